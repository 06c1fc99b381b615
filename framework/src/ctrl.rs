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

/// Most controls a driver may declare (see [`controls_fit`]).
pub const MAX_CONTROLS: usize = 32;

/// Most of a driver's controls that may be of kind [`ControlKind::Integer64`] (counted
/// within [`MAX_CONTROLS`]): each file stores a control's value in a 32-bit word, a 64-bit
/// control's in two, and keeps room for this many second words.
pub const MAX_INTEGER64_CONTROLS: usize = 4;

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
                    return Err(Errno::ERANGE);
                }
                // Within the range: the entry must exist and have a name (a negative
                // index names none).
                match usize::try_from(value).ok().and_then(|index| self.menu.get(index)) {
                    Some(name) if !name.is_empty() => Ok(value),
                    _ => Err(Errno::EINVAL),
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
    /// The driver's leading controls that fit.
    driver: &'static [ControlSpec],
    /// How many the driver declared.
    declared: usize,
}

/// Where a control's value lives in [`ControlValues`]: its first 32-bit word, and whether
/// it takes a second one (an [`ControlKind::Integer64`] control, low word first).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ControlSlot {
    word: u8,
    wide: bool,
}

/// Slots 0 and 1 hold the standard controls, driver controls follow. A `static`, so that
/// lookups walk references instead of copying specs.
static STANDARD: [ControlSpec; 2] = [MIN_BUFFERS_FOR_OUTPUT, MIN_BUFFERS_FOR_CAPTURE];

// `ControlSet::has_class` relies on it.
const _: () = assert!(
    MIN_BUFFERS_FOR_OUTPUT.class() == abi::V4L2_CTRL_CLASS_USER
        && MIN_BUFFERS_FOR_CAPTURE.class() == abi::V4L2_CTRL_CLASS_USER
);

/// The 32-bit words of one file's values: one per control, two per 64-bit control.
const WORDS: usize = STANDARD.len() + MAX_CONTROLS + MAX_INTEGER64_CONTROLS;
// A slot numbers its word in a byte.
const _: () = assert!(WORDS <= u8::MAX as usize);

/// How many of `table`'s leading entries fit the value storage: at most [`MAX_CONTROLS`]
/// entries, of which at most [`MAX_INTEGER64_CONTROLS`] of kind
/// [`ControlKind::Integer64`].
const fn usable(table: &[ControlSpec]) -> usize {
    let (mut n, mut wide) = (0, 0);
    while n < table.len() && n < MAX_CONTROLS {
        if matches!(table[n].kind, ControlKind::Integer64) {
            if wide == MAX_INTEGER64_CONTROLS {
                break;
            }
            wide += 1;
        }
        n += 1;
    }
    n
}

/// Whether the framework offers every control of `table`: at most [`MAX_CONTROLS`]
/// entries, of which at most [`MAX_INTEGER64_CONTROLS`] of kind
/// [`ControlKind::Integer64`]. A driver with a `static` table can check it at build time:
/// `const _: () = assert!(controls_fit(&CONTROLS));`.
pub const fn controls_fit(table: &[ControlSpec]) -> bool {
    usable(table) == table.len()
}

impl ControlSet {
    /// The set for a driver's controls: the leading entries that fit (see
    /// [`controls_fit`]); the framework does not offer the rest.
    pub const fn new(driver: &'static [ControlSpec]) -> Self {
        let fit = match driver.split_at_checked(usable(driver)) {
            Some((fit, _)) => fit,
            None => driver,
        };
        Self { driver: fit, declared: driver.len() }
    }

    /// Every valued control, in slot order.
    fn specs(&self) -> impl Iterator<Item = &'static ControlSpec> {
        STANDARD.iter().chain(self.driver)
    }

    /// Every valued control with its slot: slots are assigned in table order, a 64-bit
    /// control taking two words.
    fn valued(&self) -> impl Iterator<Item = (ControlSlot, &'static ControlSpec)> {
        let standard = STANDARD.iter().zip(0..).map(|(spec, word)| (ControlSlot { word, wide: false }, spec));
        standard.chain(self.driver_slots())
    }

    /// The driver's controls with their slots, after the standard controls' words.
    fn driver_slots(&self) -> impl Iterator<Item = (ControlSlot, &'static ControlSpec)> {
        self.driver.iter().scan(STANDARD.len() as u8, |next, spec| {
            let wide = spec.kind == ControlKind::Integer64;
            let slot = ControlSlot { word: *next, wide };
            *next += 1 + u8::from(wide);
            Some((slot, spec))
        })
    }

    fn has_class(&self, class: u32) -> bool {
        // Both standard controls are user-class controls.
        class == abi::V4L2_CTRL_CLASS_USER || self.driver.iter().any(|spec| spec.class() == class)
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
        // One pass: the nearest valued control and the nearest class ID (class IDs are at
        // most 0x0fff_0001, so u32::MAX means none).
        let mut control: Option<&'static ControlSpec> = None;
        for spec in self.specs() {
            if spec.id > id && control.is_none_or(|best| spec.id < best.id) {
                control = Some(spec);
            }
        }
        // The standard controls are user-class controls.
        let user = abi::V4L2_CTRL_CLASS_USER | 1;
        let mut class_id = if user > id { user } else { u32::MAX };
        for spec in self.driver {
            let candidate = spec.class() | 1;
            if candidate > id && candidate < class_id {
                class_id = candidate;
            }
        }
        match control {
            Some(spec) if spec.id <= class_id => Some(*spec),
            _ if class_id != u32::MAX => Some(class_control(class_id & !1)),
            spec => spec.copied(),
        }
    }

    /// Whether `class` is a class with controls on this device (for `which` checks).
    pub(crate) fn knows_class(&self, class: u32) -> bool {
        self.has_class(class)
    }

    /// Default values for a newly opened file (warns, at every open, of a driver table
    /// that does not fit).
    pub(crate) fn defaults(&self, min_output: u32, min_capture: u32) -> ControlValues {
        if self.declared > self.driver.len() {
            crate::fmt::warning!(
                "driver declares {} controls; the framework offers only the first {}",
                self.declared,
                self.driver.len()
            );
        }
        let mut values = ControlValues::ZERO;
        // The standard controls' words come first.
        values.words[0] = min_output;
        values.words[1] = min_capture;
        for (slot, spec) in self.driver_slots() {
            values.set(slot, spec.default);
        }
        values
    }
}

/// One file's control values, in 32-bit words: V4L2 controls other than
/// `V4L2_CTRL_TYPE_INTEGER64` hold 32-bit values, which is all a word keeps (a driver's
/// 32-bit control has its `min`, `max` and `default` within `i32`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ControlValues {
    words: [u32; WORDS],
}

impl ControlValues {
    /// Every value 0 (a file slot nobody opened).
    pub(crate) const ZERO: ControlValues = ControlValues { words: [0; WORDS] };

    /// The value in `slot` (a slot [`ControlSet`] handed out, so always within the table:
    /// read with `get` so that no bounds-check panic is compiled in).
    #[inline(never)]
    pub(crate) fn get(&self, slot: ControlSlot) -> i64 {
        let word = |i: usize| self.words.get(i).copied().unwrap_or(0);
        let first = usize::from(slot.word);
        let low = word(first);
        if slot.wide {
            ((u64::from(word(first + 1)) << 32) | u64::from(low)) as i64
        } else {
            i64::from(low as i32)
        }
    }

    /// Stores `value` in `slot` (within the table, as for [`ControlValues::get`]); a
    /// 32-bit control keeps the low 32 bits, as its 32-bit ioctl fields do.
    pub(crate) fn set(&mut self, slot: ControlSlot, value: i64) {
        let first = usize::from(slot.word);
        if let Some(low) = self.words.get_mut(first) {
            *low = value as u32;
        }
        if slot.wide {
            if let Some(high) = self.words.get_mut(first + 1) {
                *high = (value >> 32) as u32;
            }
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
    fn integer64_values_take_two_words_in_table_order() {
        const BASE: u32 = abi::V4L2_CID_CODEC_BASE + 0x1000;
        static MIXED: [ControlSpec; 4] = [
            ControlSpec::integer(BASE + 1, "a", -10, 10, 1, -3),
            ControlSpec {
                kind: ControlKind::Integer64,
                ..ControlSpec::integer(BASE + 2, "b", i64::MIN, i64::MAX, 1, -1)
            },
            ControlSpec::boolean(BASE + 3, "c", true),
            ControlSpec {
                kind: ControlKind::Integer64,
                ..ControlSpec::integer(BASE + 4, "d", 0, i64::MAX, 1, 1 << 40)
            },
        ];
        let set = ControlSet::new(&MIXED);
        let slot = |n| set.find(BASE + n).and_then(|(_, slot)| slot).unwrap();
        let all = |values: &ControlValues| [1, 2, 3, 4].map(|n| values.get(slot(n)));
        assert_eq!([1, 2, 3, 4].map(|n| slot(n).word), [2, 3, 5, 6]);
        let mut values = set.defaults(1, 1);
        assert_eq!(all(&values), [-3, -1, 1, 1 << 40]);
        for wide in [i64::MIN, i64::MAX, -(1 << 32), 0xffff_ffff, 0x1234_5678_9abc_def0] {
            values.set(slot(2), wide);
            values.set(slot(4), !wide);
            assert_eq!(all(&values), [-3, wide, 1, !wide]);
        }
        values.set(slot(1), -10);
        values.set(slot(3), 0);
        assert_eq!(all(&values), [-10, 0x1234_5678_9abc_def0, 0, !0x1234_5678_9abc_def0]);
    }

    #[test]
    fn tables_past_the_limits_keep_the_leading_controls_that_fit() {
        const NARROW: ControlSpec = ControlSpec::integer(0, "n", 0, 1, 1, 0);
        const WIDE: ControlSpec = ControlSpec { kind: ControlKind::Integer64, ..NARROW };
        static LONG: [ControlSpec; MAX_CONTROLS + 1] = [NARROW; MAX_CONTROLS + 1];
        static WIDE_ONES: [ControlSpec; MAX_INTEGER64_CONTROLS + 2] = [WIDE; MAX_INTEGER64_CONTROLS + 2];
        assert!(controls_fit(&LONG[..MAX_CONTROLS]) && !controls_fit(&LONG));
        assert!(controls_fit(&WIDE_ONES[..MAX_INTEGER64_CONTROLS]) && !controls_fit(&WIDE_ONES));
        assert_eq!(ControlSet::new(&LONG).driver.len(), MAX_CONTROLS);
        assert_eq!(ControlSet::new(&WIDE_ONES).driver.len(), MAX_INTEGER64_CONTROLS);
        // The largest table that fits fills the words exactly.
        static FULL: [ControlSpec; MAX_CONTROLS] = {
            let mut table = [NARROW; MAX_CONTROLS];
            let mut i = 0;
            while i < MAX_CONTROLS {
                table[i].id = abi::V4L2_CID_CODEC_BASE + i as u32;
                if i < MAX_INTEGER64_CONTROLS {
                    table[i].kind = ControlKind::Integer64;
                }
                i += 1;
            }
            table
        };
        assert!(controls_fit(&FULL));
        let set = ControlSet::new(&FULL);
        let (_, Some(last)) = set.find(abi::V4L2_CID_CODEC_BASE + MAX_CONTROLS as u32 - 1).unwrap() else {
            panic!("no slot")
        };
        assert_eq!(usize::from(last.word), WORDS - 1);
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
