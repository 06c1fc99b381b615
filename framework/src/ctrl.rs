//! Controls: drivers declare them as [`ControlSpec`]s; the framework stores each file's
//! values, validates writes, answers the query ioctls and builds control events.
//!
//! The framework adds two standard controls to every device,
//! `V4L2_CID_MIN_BUFFERS_FOR_OUTPUT` and `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` (read-only,
//! volatile), and one class control (`V4L2_CTRL_TYPE_CTRL_CLASS`) for every control class
//! in use, as V4L2 applications expect.

use crate::abi;
use crate::error::{Errno, Result};
use crate::event::CtrlEvent;

/// Most controls a driver may declare.
pub const MAX_CONTROLS: usize = 32;

/// The kind of value a control holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ControlKind {
    /// A 32-bit integer in `min..=max`, in `step`s.
    Integer,
    /// On or off.
    Boolean,
    /// One of the named entries of `menu` (indices `min..=max`).
    Menu,
    /// An action without a value.
    Button,
    /// A 64-bit integer.
    Integer64,
    /// A control-class marker (added by the framework).
    Class,
}

impl ControlKind {
    /// The `V4L2_CTRL_TYPE_*` value.
    pub const fn v4l2_type(self) -> u32 {
        match self {
            ControlKind::Integer => abi::V4L2_CTRL_TYPE_INTEGER,
            ControlKind::Boolean => abi::V4L2_CTRL_TYPE_BOOLEAN,
            ControlKind::Menu => abi::V4L2_CTRL_TYPE_MENU,
            ControlKind::Button => abi::V4L2_CTRL_TYPE_BUTTON,
            ControlKind::Integer64 => abi::V4L2_CTRL_TYPE_INTEGER64,
            ControlKind::Class => abi::V4L2_CTRL_TYPE_CTRL_CLASS,
        }
    }
}

/// A control a driver offers.
#[derive(Clone, Copy, Debug)]
pub struct ControlSpec {
    /// `V4L2_CID_*`.
    pub id: u32,
    /// Name shown by tools (at most 31 bytes).
    pub name: &'static str,
    /// Value kind.
    pub kind: ControlKind,
    /// Smallest value (first menu index for menus).
    pub min: i64,
    /// Largest value (last menu index for menus).
    pub max: i64,
    /// Increment between valid values (1 for menus and booleans, 0 for buttons).
    pub step: u64,
    /// Value of a newly opened file.
    pub default: i64,
    /// `V4L2_CTRL_FLAG_*` (READ_ONLY, VOLATILE, ...).
    pub flags: u32,
    /// Menu entry names indexed by value; an empty name marks an unsupported entry.
    pub menu: &'static [&'static str],
}

impl ControlSpec {
    /// An integer control.
    pub const fn integer(id: u32, name: &'static str, min: i64, max: i64, step: u64, default: i64) -> Self {
        Self { id, name, kind: ControlKind::Integer, min, max, step, default, flags: 0, menu: &[] }
    }

    /// A boolean control.
    pub const fn boolean(id: u32, name: &'static str, default: bool) -> Self {
        Self {
            id,
            name,
            kind: ControlKind::Boolean,
            min: 0,
            max: 1,
            step: 1,
            default: default as i64,
            flags: 0,
            menu: &[],
        }
    }

    /// A menu control whose valid values are the indices of non-empty `menu` entries
    /// between `min` and `max`.
    pub const fn menu(
        id: u32,
        name: &'static str,
        min: i64,
        max: i64,
        default: i64,
        menu: &'static [&'static str],
    ) -> Self {
        Self { id, name, kind: ControlKind::Menu, min, max, step: 1, default, flags: 0, menu }
    }

    /// A button control.
    pub const fn button(id: u32, name: &'static str) -> Self {
        Self {
            id,
            name,
            kind: ControlKind::Button,
            min: 0,
            max: 0,
            step: 0,
            default: 0,
            flags: abi::V4L2_CTRL_FLAG_WRITE_ONLY,
            menu: &[],
        }
    }

    /// The same control with `flags` added.
    pub const fn with_flags(mut self, flags: u32) -> Self {
        self.flags |= flags;
        self
    }

    /// The control class this control belongs to (`V4L2_CTRL_CLASS_*`).
    pub const fn class(&self) -> u32 {
        self.id & 0x0fff_0000
    }

    /// The menu entry name of `index`, if it is a valid entry.
    pub fn menu_name(&self, index: i64) -> Option<&'static str> {
        if self.kind != ControlKind::Menu || index < self.min || index > self.max {
            return None;
        }
        self.menu.get(usize::try_from(index).ok()?).copied().filter(|name| !name.is_empty())
    }

    /// Validates and adjusts `value` as Linux does for a write: integers are rounded to
    /// the step and clamped, menus must name a valid entry (`ERANGE` outside `min..=max`,
    /// `EINVAL` for an unsupported entry), buttons carry no value.
    pub fn validate(&self, value: i64) -> Result<i64> {
        match self.kind {
            ControlKind::Integer | ControlKind::Integer64 => {
                // Linux's ROUND_TO_RANGE: add half a step (or snap to the maximum when
                // within half a step of it), clamp, then round down onto the step grid
                // counted from the minimum, so the result is always a reachable value.
                // In 64 bits without overflow: half a step is at most i64::MAX, so
                // `max - half` cannot wrap for a non-negative maximum, and the distance from
                // the minimum of a clamped value fits a u64.
                let step = self.step.max(1);
                let half = (step / 2) as i64;
                let (min, max) = (self.min, self.max.max(self.min));
                let value =
                    if self.max >= 0 && value >= self.max - half { self.max } else { value.saturating_add(half) };
                let offset = value.max(min).min(max).wrapping_sub(min) as u64;
                Ok(min.wrapping_add((offset - offset % step) as i64))
            }
            // Linux stores `!!value`.
            ControlKind::Boolean => Ok(i64::from(value != 0)),
            ControlKind::Menu => {
                if value < self.min || value > self.max {
                    Err(Errno::ERANGE)
                } else if self.menu_name(value).is_none() {
                    Err(Errno::EINVAL)
                } else {
                    Ok(value)
                }
            }
            ControlKind::Button => Ok(0),
            ControlKind::Class => Err(Errno::EACCES),
        }
    }

    /// The payload of a control event for this control at `value`.
    pub fn event(&self, changes: u32, value: i64) -> CtrlEvent {
        CtrlEvent {
            changes,
            ctrl_type: self.kind.v4l2_type(),
            value,
            flags: self.flags,
            minimum: self.min,
            maximum: self.max,
            step: self.step as i64,
            default_value: self.default,
        }
    }
}

const MIN_BUFFERS_FOR_OUTPUT: ControlSpec =
    ControlSpec::integer(abi::V4L2_CID_MIN_BUFFERS_FOR_OUTPUT, "Min Number of Output Buffers", 1, 32, 1, 1)
        .with_flags(abi::V4L2_CTRL_FLAG_READ_ONLY | abi::V4L2_CTRL_FLAG_VOLATILE);
const MIN_BUFFERS_FOR_CAPTURE: ControlSpec =
    ControlSpec::integer(abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, "Min Number of Capture Buffers", 1, 32, 1, 1)
        .with_flags(abi::V4L2_CTRL_FLAG_READ_ONLY | abi::V4L2_CTRL_FLAG_VOLATILE);

/// The class control of `class` (`V4L2_CTRL_CLASS_*`).
const fn class_control(class: u32) -> ControlSpec {
    let name = match class {
        abi::V4L2_CTRL_CLASS_USER => "User Controls",
        abi::V4L2_CTRL_CLASS_CODEC => "Codec Controls",
        _ => "Controls",
    };
    ControlSpec {
        id: class | 1,
        name,
        kind: ControlKind::Class,
        min: 0,
        max: 0,
        step: 0,
        default: 0,
        flags: abi::V4L2_CTRL_FLAG_READ_ONLY | abi::V4L2_CTRL_FLAG_WRITE_ONLY,
        menu: &[],
    }
}

/// Every control of a device: the driver's, the standard ones and the class controls.
#[derive(Clone, Copy)]
pub struct ControlSet {
    driver: &'static [ControlSpec],
}

/// Where a control's value lives in [`ControlValues`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ControlSlot(usize);

/// Slots 0 and 1 hold the standard controls, driver controls follow. A `static`, so that
/// lookups walk references instead of copying specs.
static STANDARD: [ControlSpec; 2] = [MIN_BUFFERS_FOR_OUTPUT, MIN_BUFFERS_FOR_CAPTURE];

impl ControlSet {
    /// The set for a driver's controls. At most [`MAX_CONTROLS`] are used.
    pub const fn new(driver: &'static [ControlSpec]) -> Self {
        Self { driver }
    }

    fn driver_controls(&self) -> &'static [ControlSpec] {
        &self.driver[..self.driver.len().min(MAX_CONTROLS)]
    }

    /// Every valued control, in slot order.
    fn specs(&self) -> impl Iterator<Item = &'static ControlSpec> {
        STANDARD.iter().chain(self.driver_controls())
    }

    fn valued(&self) -> impl Iterator<Item = (ControlSlot, &'static ControlSpec)> {
        self.specs().enumerate().map(|(i, s)| (ControlSlot(i), s))
    }

    fn has_class(&self, class: u32) -> bool {
        self.specs().any(|spec| spec.class() == class)
    }

    /// Finds control `id`: its spec and, unless it is a class control, its value slot.
    pub(crate) fn find(&self, id: u32) -> Option<(ControlSpec, Option<ControlSlot>)> {
        if id & 0xffff == 1 && self.has_class(id & 0x0fff_0000) {
            return Some((class_control(id & 0x0fff_0000), None));
        }
        self.valued().find(|(_, spec)| spec.id == id).map(|(slot, spec)| (*spec, Some(slot)))
    }

    /// The control with the smallest ID above `id` (for `V4L2_CTRL_FLAG_NEXT_CTRL`): a
    /// valued control, or a class control (ID `class | 1`) of a class that has some; a
    /// valued control wins a tie.
    pub(crate) fn next_after(&self, id: u32) -> Option<ControlSpec> {
        let control = self.specs().filter(|spec| spec.id > id).min_by_key(|spec| spec.id);
        let class = self.specs().map(|spec| spec.class() | 1).filter(|&class_id| class_id > id).min();
        match (control, class) {
            (Some(spec), Some(class_id)) if spec.id <= class_id => Some(*spec),
            (_, Some(class_id)) => Some(class_control(class_id & !1)),
            (spec, None) => spec.copied(),
        }
    }

    /// Whether `class` is a class with controls on this device (for `which` checks).
    pub(crate) fn knows_class(&self, class: u32) -> bool {
        self.has_class(class)
    }

    /// Default values for a newly opened file.
    pub(crate) fn defaults(&self, min_output: u32, min_capture: u32) -> ControlValues {
        let mut values = ControlValues { values: [0; MAX_CONTROLS + 2] };
        for (ControlSlot(i), spec) in self.valued() {
            values.values[i] = spec.default;
        }
        values.values[0] = i64::from(min_output);
        values.values[1] = i64::from(min_capture);
        values
    }
}

/// One file's control values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ControlValues {
    values: [i64; MAX_CONTROLS + 2],
}

impl ControlValues {
    /// Every value 0 (a file slot nobody opened).
    pub(crate) const ZERO: ControlValues = ControlValues { values: [0; MAX_CONTROLS + 2] };

    /// The value in `slot` (a slot [`ControlSet`] handed out, so always within the table:
    /// read with `get` so that no bounds-check panic is compiled in).
    pub(crate) fn get(&self, slot: ControlSlot) -> i64 {
        self.values.get(slot.0).copied().unwrap_or(0)
    }

    /// Stores `value` in `slot` (within the table, as for [`ControlValues::get`]).
    pub(crate) fn set(&mut self, slot: ControlSlot, value: i64) {
        if let Some(stored) = self.values.get_mut(slot.0) {
            *stored = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BITRATE: ControlSpec =
        ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_BITRATE, "Bitrate", 1000, 10_000, 1000, 2000);
    const MODES: ControlSpec =
        ControlSpec::menu(abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, "Mode", 0, 2, 0, &["VBR", "", "CQ"]);
    static DRIVER: [ControlSpec; 2] = [BITRATE, MODES];

    #[test]
    fn integers_round_to_step_and_clamp() {
        assert_eq!(BITRATE.validate(2499), Ok(2000));
        assert_eq!(BITRATE.validate(2500), Ok(3000));
        assert_eq!(BITRATE.validate(-5), Ok(1000));
        assert_eq!(BITRATE.validate(i64::MAX), Ok(10_000));
        // A maximum off the step grid is never returned: values land on min + k * step.
        let odd = ControlSpec::integer(1, "odd", 0, 10, 3, 3);
        assert_eq!(odd.validate(100), Ok(9));
        assert_eq!(odd.validate(10), Ok(9));
        assert_eq!(odd.validate(5), Ok(6));
        assert_eq!(odd.validate(4), Ok(3));
        let boolean = ControlSpec::boolean(2, "b", false);
        assert_eq!(boolean.validate(-3), Ok(1));
        assert_eq!(boolean.validate(7), Ok(1));
        assert_eq!(boolean.validate(0), Ok(0));
    }

    /// Linux's ROUND_TO_RANGE computed in 128 bits, where nothing can overflow.
    fn round_to_range_wide(min: i64, max: i64, step: u64, value: i64) -> i64 {
        let step = i128::from(step.max(1));
        let (min, max) = (i128::from(min), i128::from(max));
        let mut value = i128::from(value);
        if max >= 0 && value >= max - step / 2 {
            value = max;
        } else {
            value += step / 2;
        }
        let value = value.clamp(min, max.max(min));
        (min + (value - min) / step * step) as i64
    }

    #[test]
    fn integer_rounding_matches_wide_arithmetic_at_the_extremes() {
        let edges = [i64::MIN, i64::MIN + 1, -1_000_001, -3, -1, 0, 1, 2, 7, 999_999, i64::MAX - 1, i64::MAX];
        let steps = [0, 1, 2, 3, 1000, u64::MAX / 2, u64::MAX - 1, u64::MAX];
        for &min in &edges {
            for &max in edges.iter().filter(|&&m| m >= min) {
                for &step in &steps {
                    let spec = ControlSpec::integer(1, "wide", min, max, step, min);
                    for &value in &edges {
                        let want = round_to_range_wide(min, max, step, value);
                        assert_eq!(spec.validate(value), Ok(want), "min {min} max {max} step {step} value {value}");
                    }
                }
            }
        }
    }

    #[test]
    fn menus_reject_out_of_range_and_skipped_entries() {
        assert_eq!(MODES.validate(3), Err(Errno::ERANGE));
        assert_eq!(MODES.validate(1), Err(Errno::EINVAL));
        assert_eq!(MODES.validate(2), Ok(2));
        assert_eq!(MODES.menu_name(1), None);
    }

    #[test]
    fn set_has_standard_driver_and_class_controls_in_id_order() {
        let set = ControlSet::new(&DRIVER);
        let mut id = 0;
        let mut seen = [0u32; 8];
        let mut n = 0;
        while let Some(spec) = set.next_after(id) {
            seen[n] = spec.id;
            n += 1;
            id = spec.id;
        }
        assert_eq!(
            &seen[..n],
            &[
                abi::V4L2_CID_USER_CLASS,
                abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE,
                abi::V4L2_CID_MIN_BUFFERS_FOR_OUTPUT,
                abi::V4L2_CID_CODEC_CLASS,
                abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE,
                abi::V4L2_CID_MPEG_VIDEO_BITRATE,
            ]
        );
        assert!(matches!(set.find(abi::V4L2_CID_CODEC_CLASS), Some((s, None)) if s.kind == ControlKind::Class));
        assert!(set.find(abi::V4L2_CID_CAMERA_CLASS).is_none());
    }

    #[test]
    fn defaults_fill_min_buffers() {
        let set = ControlSet::new(&DRIVER);
        let values = set.defaults(2, 4);
        let (_, slot) = set.find(abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE).unwrap();
        assert_eq!(values.get(slot.unwrap()), 4);
        let (_, slot) = set.find(abi::V4L2_CID_MPEG_VIDEO_BITRATE).unwrap();
        assert_eq!(values.get(slot.unwrap()), 2000);
    }
}
