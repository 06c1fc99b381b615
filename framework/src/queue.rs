//! Frame queues: the buffer state machine of one queue (OUTPUT or CAPTURE) of one file.
//!
//! ```text
//!   dequeued ──QBUF──▶ queued ──get_buf──▶ active ──put_buf──▶ done ──DQBUF──▶ dequeued
//!      ▲                  │                                       │
//!      └─────────── STREAMOFF (queued and done buffers) ◀─────────┘
//! ```
//!
//! Only these transitions exist, so every buffer an application queues comes back exactly
//! once. Active buffers are given back by the driver (or reclaimed as errors when its job
//! ends) before STREAMOFF completes. The queue lives inside the file's critical-section
//! protected state; nothing here blocks.

use crate::driver::{ActiveBuffer, Completion, PlaneMemory};
use crate::error::{Errno, Result};
use crate::fifo::Fifo;
use crate::format::{Direction, PixFormat, MAX_PLANES};
use crate::frame::{DoneFlags, FrameMeta, PackedStamp, SlotFlags, Timecode, Timestamp};
use crate::memory::{ArenaRegion, BufferArena};
use crate::node::BufferReply;

/// Bytes per page in mmap offsets; offsets handed to applications are multiples of it.
pub const PAGE_SIZE: u64 = 4096;
/// Added to CAPTURE queue mmap offsets so both queues of a file share one offset space
/// (Linux's `DST_QUEUE_OFF_BASE`).
pub const CAPTURE_OFFSET_BASE: u64 = 1 << 30;

/// How buffer memory is provided.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Memory {
    /// Allocated by the framework from the board's arena, mapped by the application.
    Mmap,
    /// Application memory passed by pointer with each QBUF.
    UserPtr,
}

/// Where a buffer is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BufState {
    /// Owned by the application.
    Dequeued,
    /// Held by the framework, waiting for the driver.
    Queued,
    /// Taken by the driver.
    Active,
    /// Completed by the driver, waiting for DQBUF.
    Done,
}

/// What the application gives with QBUF or PREPARE_BUF for one plane.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct QueuePlane {
    /// Payload bytes (OUTPUT); 0 means the whole plane.
    pub bytesused: u32,
    /// Length of the application's memory (USERPTR).
    pub length: u32,
    /// Application address (USERPTR).
    pub userptr: usize,
    /// Offset of the payload in the plane (OUTPUT, multi-planar).
    pub data_offset: u32,
}

/// A validated QBUF / PREPARE_BUF request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct QueueRequest {
    /// Buffer index.
    pub index: u32,
    /// Memory type the application claims.
    pub memory: Memory,
    /// Number of planes described.
    pub num_planes: usize,
    /// Per-plane data.
    pub planes: [QueuePlane; MAX_PLANES],
    /// Timestamp (OUTPUT).
    pub timestamp: Timestamp,
    /// Application flags and timecode worth keeping (OUTPUT).
    pub meta: FrameMeta,
}

impl QueueRequest {
    /// A request to fill in: buffer 0, MMAP, one plane, everything else zero.
    pub const EMPTY: QueueRequest = QueueRequest {
        index: 0,
        memory: Memory::Mmap,
        num_planes: 1,
        planes: [QueuePlane { bytesused: 0, length: 0, userptr: 0, data_offset: 0 }; MAX_PLANES],
        timestamp: Timestamp(0),
        meta: FrameMeta::NONE,
    };
}

/// The buffer-wide state of one buffer, as the buffer ioctls report it (its planes are
/// reported one by one, see [`BufferReply`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BufferStatus {
    /// Buffer index.
    pub index: u32,
    /// Life-cycle state.
    pub state: BufState,
    /// PREPARE_BUF was done and the buffer not queued since.
    pub prepared: bool,
    /// Memory type of the queue.
    pub memory: Memory,
    /// Planes in use.
    pub num_planes: usize,
    /// Result flags from the driver ([`DoneFlags`] bits).
    pub done_flags: DoneFlags,
    /// Application flags and timecode kept from QBUF (OUTPUT) or copied from the OUTPUT
    /// buffer the frame came from (CAPTURE).
    pub meta: FrameMeta,
    /// At least one plane is mapped.
    pub mapped: bool,
    /// Timestamp.
    pub timestamp: Timestamp,
    /// Sequence number given at completion.
    pub sequence: u32,
}

/// One plane of a buffer, as the buffer ioctls report it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PlaneStatus {
    /// Capacity in bytes.
    pub length: u32,
    /// Payload bytes.
    pub bytesused: u32,
    /// Payload offset.
    pub data_offset: u32,
    /// The mmap offset (MMAP) to pass to `mmap`.
    pub mem_offset: u32,
    /// The application pointer (USERPTR).
    pub userptr: usize,
}

/// One plane of a buffer slot: only what the state machine needs. Its memory is the
/// arena region `addr..addr + length` (MMAP) or the application's `addr` (USERPTR); the
/// queue's memory type says which. Its map count is in the slot, next to the state (no
/// padding on a 32-bit core).
#[derive(Clone, Copy)]
struct Plane {
    addr: usize,
    length: u32,
    bytesused: u32,
    data_offset: u32,
}

impl Plane {
    const EMPTY: Plane = Plane { addr: 0, length: 0, bytesused: 0, data_offset: 0 };

    fn region(&self) -> ArenaRegion {
        ArenaRegion { offset: self.addr, len: self.length as usize }
    }
}

/// Where a buffer slot is in its life: a [`BufState`], with PREPARE_BUF's mark folded in
/// (only a buffer the application owns can be prepared). Dequeued is all zero bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotState {
    Dequeued = 0,
    /// Dequeued, and PREPARE_BUF recorded its planes.
    Prepared,
    Queued,
    Active,
    Done,
}

impl SlotState {
    fn public(self) -> BufState {
        match self {
            SlotState::Dequeued | SlotState::Prepared => BufState::Dequeued,
            SlotState::Queued => BufState::Queued,
            SlotState::Active => BufState::Active,
            SlotState::Done => BufState::Done,
        }
    }

    /// The application owns the buffer (it may queue or prepare it).
    fn dequeued(self) -> bool {
        matches!(self, SlotState::Dequeued | SlotState::Prepared)
    }
}

/// One buffer slot with room for `P` planes: 44 bytes with one plane on a 32-bit core.
#[derive(Clone, Copy)]
struct Buffer<const P: usize> {
    timestamp: PackedStamp,
    /// The timecode of [`FrameMeta`]; its flags are in `flags`.
    timecode: Timecode,
    flags: SlotFlags,
    sequence: u32,
    state: SlotState,
    /// How many mappings of each plane exist (a mapping past 255 is refused).
    map_counts: [u8; P],
    planes: [Plane; P],
}

impl<const P: usize> Buffer<P> {
    const EMPTY: Self = Self {
        state: SlotState::Dequeued,
        map_counts: [0; P],
        planes: [Plane::EMPTY; P],
        timestamp: PackedStamp::ZERO,
        timecode: FrameMeta::NONE.timecode,
        flags: SlotFlags::NONE,
        sequence: 0,
    };

    fn mapped(&self) -> bool {
        self.map_counts != [0; P]
    }

    fn meta(&self) -> FrameMeta {
        FrameMeta { flags: self.flags.queued(), timecode: self.timecode }
    }

    fn set_meta(&mut self, meta: &FrameMeta) {
        self.flags.set_queued(meta.flags);
        self.timecode = meta.timecode;
    }
}

/// A queue's memory type; `Unset` until buffers exist. Its own type rather than an
/// `Option<Memory>` so that an empty queue is all zero bytes (a device in `.bss`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum QueueMemory {
    Unset = 0,
    Mmap,
    UserPtr,
}

impl QueueMemory {
    fn of(memory: Memory) -> Self {
        match memory {
            Memory::Mmap => QueueMemory::Mmap,
            Memory::UserPtr => QueueMemory::UserPtr,
        }
    }
}

/// One queue of one file: up to `N` buffers of up to `P` planes each.
pub struct FrameQueue<const N: usize, const P: usize> {
    dir: Direction,
    memory: QueueMemory,
    count: u16,
    num_planes: u8,
    buffers: [Buffer<P>; N],
    queued: Fifo<u8, N>,
    done: Fifo<u8, N>,
    streaming: bool,
    sequence: u32,
    last_dequeued: bool,
    active: u16,
    /// Bumped whenever active buffers are taken from the driver without `put_buf`
    /// (reclaimed, or freed with the queue's buffers): a token carries the epoch it was
    /// handed out in, and one from an earlier epoch is refused. Tokens are not copyable,
    /// so within one epoch a buffer is active under one token only.
    epoch: u32,
}

impl<const N: usize, const P: usize> FrameQueue<N, P> {
    /// An empty queue with no buffers.
    pub const fn new(dir: Direction) -> Self {
        assert!(N > 0 && N <= 256, "a queue holds between 1 and 256 buffers");
        assert!(P > 0 && P <= MAX_PLANES, "a buffer has between 1 and MAX_PLANES planes");
        Self {
            dir,
            memory: QueueMemory::Unset,
            count: 0,
            num_planes: 0,
            buffers: [Buffer::EMPTY; N],
            queued: Fifo::new(0),
            done: Fifo::new(0),
            streaming: false,
            sequence: 0,
            last_dequeued: false,
            active: 0,
            epoch: 0,
        }
    }

    /// Number of buffers allocated.
    pub fn count(&self) -> usize {
        usize::from(self.count)
    }

    /// Memory type, once buffers exist.
    pub fn memory(&self) -> Option<Memory> {
        match self.memory {
            QueueMemory::Unset => None,
            QueueMemory::Mmap => Some(Memory::Mmap),
            QueueMemory::UserPtr => Some(Memory::UserPtr),
        }
    }

    /// Whether the queue is streaming.
    pub fn is_streaming(&self) -> bool {
        self.streaming
    }

    /// Buffers queued and not yet taken by the driver.
    pub fn queued_count(&self) -> usize {
        self.queued.len()
    }

    /// Buffers completed and waiting for DQBUF.
    pub fn done_count(&self) -> usize {
        self.done.len()
    }

    /// Buffers the driver holds.
    pub fn active_count(&self) -> usize {
        usize::from(self.active)
    }

    /// Whether a buffer flagged LAST was dequeued (DQBUF then answers `EPIPE`).
    pub fn last_dequeued(&self) -> bool {
        self.last_dequeued
    }

    /// Forgets that the LAST buffer was dequeued (a START command resumes).
    pub fn clear_last_dequeued(&mut self) {
        self.last_dequeued = false;
    }

    /// Frees every buffer (REQBUFS(0), format change, close). Regions still mapped are
    /// passed to `orphan` instead of being freed, to be released at munmap.
    pub fn release(&mut self, arena: &dyn BufferArena, orphan: &mut dyn FnMut(ArenaRegion)) {
        let mmap = self.memory() == Some(Memory::Mmap);
        for buffer in &mut self.buffers[..usize::from(self.count)] {
            let planes = buffer.planes.iter().zip(&buffer.map_counts);
            for (plane, &maps) in planes.take(usize::from(self.num_planes)).filter(|_| mmap) {
                if maps > 0 {
                    orphan(plane.region());
                } else {
                    arena.free(plane.region());
                }
            }
            *buffer = Buffer::EMPTY;
        }
        self.count = 0;
        self.memory = QueueMemory::Unset;
        self.num_planes = 0;
        self.queued.clear();
        self.done.clear();
        self.active = 0;
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Allocates up to `want` more buffers for `fmt` (REQBUFS after a release, or
    /// CREATE_BUFS). `sizes` gives each plane's size. Returns `(first index, count)`;
    /// allocates fewer when the arena runs out, and fails with `ENOMEM` if it could not
    /// allocate any.
    pub fn allocate(
        &mut self,
        memory: Memory,
        want: usize,
        sizes: &[u32],
        arena: &dyn BufferArena,
    ) -> Result<(usize, usize)> {
        if sizes.is_empty() || sizes.len() > P || sizes.contains(&0) {
            return Err(Errno::EINVAL);
        }
        if usize::from(self.count) > 0 && (self.memory() != Some(memory) || usize::from(self.num_planes) != sizes.len())
        {
            return Err(Errno::EINVAL);
        }
        let first = usize::from(self.count);
        let want = want.min(N - first);
        let mut made = 0;
        while made < want && Self::allocate_planes(&mut self.buffers[first + made], memory, sizes, arena) {
            made += 1;
        }
        if made == 0 && want > 0 {
            return Err(Errno::ENOMEM);
        }
        self.count += made as u16;
        self.memory = QueueMemory::of(memory);
        self.num_planes = sizes.len() as u8;
        Ok((first, made))
    }

    /// Sets up one buffer slot's planes; false (the slot left empty) when the arena runs out.
    fn allocate_planes(buffer: &mut Buffer<P>, memory: Memory, sizes: &[u32], arena: &dyn BufferArena) -> bool {
        *buffer = Buffer::EMPTY;
        for (i, &size) in sizes.iter().enumerate() {
            buffer.planes[i].length = size;
            if memory == Memory::UserPtr {
                continue;
            }
            match arena.alloc(size as usize) {
                // The plane remembers the region by offset and length: an arena must hand
                // out exactly the length asked for.
                Some(region) if region.len == size as usize => buffer.planes[i].addr = region.offset,
                other => {
                    other.into_iter().chain(buffer.planes[..i].iter().map(Plane::region)).for_each(|r| arena.free(r));
                    *buffer = Buffer::EMPTY;
                    return false;
                }
            }
        }
        true
    }

    fn mmap_offset(&self, index: usize, plane: usize) -> u32 {
        let base = if self.dir == Direction::Capture { CAPTURE_OFFSET_BASE } else { 0 };
        (base + ((index * MAX_PLANES + plane) as u64) * PAGE_SIZE) as u32
    }

    /// The buffer and plane an mmap offset names, if it belongs to this queue.
    pub fn plane_for_offset(&self, offset: u64) -> Option<(usize, usize)> {
        let base = if self.dir == Direction::Capture { CAPTURE_OFFSET_BASE } else { 0 };
        let rel = offset.checked_sub(base)?;
        if rel % PAGE_SIZE != 0 || rel >= CAPTURE_OFFSET_BASE {
            return None;
        }
        let n = (rel / PAGE_SIZE) as usize;
        let (index, plane) = (n / MAX_PLANES, n % MAX_PLANES);
        (self.memory() == Some(Memory::Mmap) && index < usize::from(self.count) && plane < usize::from(self.num_planes))
            .then_some((index, plane))
    }

    /// Records a mapping of buffer `index`, plane `plane` of up to `len` bytes.
    pub fn map(&mut self, index: usize, plane: usize, len: usize) -> Result<ArenaRegion> {
        if self.memory() != Some(Memory::Mmap)
            || index >= usize::from(self.count)
            || plane >= usize::from(self.num_planes)
        {
            return Err(Errno::EINVAL);
        }
        let buffer = &mut self.buffers[index];
        let region = buffer.planes[plane].region();
        let limit = (region.len as u64).div_ceil(PAGE_SIZE) * PAGE_SIZE;
        if len == 0 || len as u64 > limit {
            return Err(Errno::EINVAL);
        }
        // A count that cannot grow refuses the mapping rather than forget one.
        let maps = &mut buffer.map_counts[plane];
        *maps = maps.checked_add(1).ok_or(Errno::ENOMEM)?;
        Ok(region)
    }

    /// Records an unmapping of `region`; returns false if no plane of this queue has it.
    pub fn unmap(&mut self, region: ArenaRegion) -> bool {
        if self.memory() != Some(Memory::Mmap) {
            return false;
        }
        for buffer in &mut self.buffers[..usize::from(self.count)] {
            let planes = buffer.planes.iter().zip(&mut buffer.map_counts);
            for (plane, maps) in planes.take(usize::from(self.num_planes)) {
                if plane.region() == region && *maps > 0 {
                    *maps -= 1;
                    return true;
                }
            }
        }
        false
    }

    /// Whether buffer `index` was prepared (PREPARE_BUF) and not queued since; false past
    /// the allocated buffers.
    pub fn is_prepared(&self, index: usize) -> bool {
        self.buffers[..usize::from(self.count)].get(index).is_some_and(|b| b.state == SlotState::Prepared)
    }

    /// The buffer-wide state of buffer `index`; `EINVAL` past the allocated buffers.
    pub fn status(&self, index: usize) -> Result<BufferStatus> {
        let buffer = self.buffers[..usize::from(self.count)].get(index).ok_or(Errno::EINVAL)?;
        Ok(BufferStatus {
            index: index as u32,
            state: buffer.state.public(),
            prepared: buffer.state == SlotState::Prepared,
            memory: self.memory().unwrap_or(Memory::Mmap),
            num_planes: usize::from(self.num_planes),
            done_flags: buffer.flags.done(),
            meta: buffer.meta(),
            mapped: buffer.mapped(),
            timestamp: buffer.timestamp.get(),
            sequence: buffer.sequence,
        })
    }

    /// Answers with the state of buffer `index`, its planes and then the rest written into
    /// `out` in place; `EINVAL`, with nothing written, past the allocated buffers or when
    /// `out` has no room for every plane (Linux: the application's plane array must hold
    /// them all).
    pub fn status_into(&self, index: usize, out: &mut BufferReply<'_>) -> Result<()> {
        let status = self.status(index)?;
        if out.room() < status.num_planes {
            return Err(Errno::EINVAL);
        }
        let mmap = status.memory == Memory::Mmap;
        for (i, plane) in self.buffers[index].planes.iter().enumerate().take(status.num_planes) {
            let plane = PlaneStatus {
                length: plane.length,
                bytesused: plane.bytesused,
                data_offset: plane.data_offset,
                mem_offset: if mmap { self.mmap_offset(index, i) } else { 0 },
                userptr: if mmap { 0 } else { plane.addr },
            };
            out.plane(i, status.memory, &plane);
        }
        out.buffer(&status);
        Ok(())
    }

    /// The application memory (address, length) of each plane of buffer `index` when it is
    /// a USERPTR buffer that PREPARE_BUF recorded and that was not queued since.
    pub fn prepared_user_memory(&self, index: usize) -> Option<[(usize, usize); MAX_PLANES]> {
        let buffer = self.buffers[..usize::from(self.count)].get(index)?;
        (buffer.state == SlotState::Prepared && self.memory() == Some(Memory::UserPtr)).then(|| {
            let mut ranges = [(0, 0); MAX_PLANES];
            for (range, plane) in ranges.iter_mut().zip(&buffer.planes).take(usize::from(self.num_planes)) {
                *range = (plane.addr, plane.length as usize);
            }
            ranges
        })
    }

    /// Checks a QBUF/PREPARE_BUF request against the queue and the buffer's state as
    /// [`queue`](Self::queue) and [`prepare`](Self::prepare) do, changing nothing.
    pub fn check(&self, req: &QueueRequest, min_sizes: &[u32]) -> Result<()> {
        let index = self.checked_index(req)?;
        (0..self.plane_count()).try_for_each(|i| self.requested_plane(index, i, req, min_sizes).map(drop))
    }

    /// Checks a QBUF/PREPARE_BUF request against the queue and the buffer's state, and
    /// records its planes (all checked before any is recorded). `min_sizes` gives the
    /// plane sizes the current format needs.
    fn check_and_record(&mut self, req: &QueueRequest, min_sizes: &[u32]) -> Result<usize> {
        self.check(req, min_sizes)?;
        let index = req.index as usize;
        for i in 0..self.plane_count() {
            let plane = self.requested_plane(index, i, req, min_sizes)?;
            if let Some(recorded) = self.buffers[index].planes.get_mut(i) {
                *recorded = plane;
            }
        }
        Ok(index)
    }

    /// The planes of each buffer (at most `P`).
    fn plane_count(&self) -> usize {
        usize::from(self.num_planes).min(P)
    }

    /// The buffer index of a QBUF/PREPARE_BUF request whose buffer the application may
    /// queue or prepare (planes not looked at).
    fn checked_index(&self, req: &QueueRequest) -> Result<usize> {
        let index = req.index as usize;
        let valid = index < usize::from(self.count)
            && Some(req.memory) == self.memory()
            && req.num_planes >= usize::from(self.num_planes)
            && self.buffers[index].state.dequeued();
        if valid {
            Ok(index)
        } else {
            Err(Errno::EINVAL)
        }
    }

    /// Plane `i` (below [`plane_count`](Self::plane_count)) as buffer `index` would record
    /// it for `req`; `EINVAL` if the request's plane is invalid.
    fn requested_plane(&self, index: usize, i: usize, req: &QueueRequest, min_sizes: &[u32]) -> Result<Plane> {
        let (Some(recorded), Some(given)) = (self.buffers[index].planes.get(i), req.planes.get(i)) else {
            return Err(Errno::EINVAL);
        };
        let mut plane = *recorded;
        if req.memory == Memory::UserPtr {
            let needed = min_sizes.get(i).copied().unwrap_or(0);
            if given.length < needed || given.length == 0 {
                return Err(Errno::EINVAL);
            }
            plane.addr = given.userptr;
            plane.length = given.length;
        }
        if self.dir == Direction::Output {
            let bytesused = if given.bytesused == 0 { plane.length } else { given.bytesused };
            if bytesused > plane.length || (given.data_offset > 0 && given.data_offset >= bytesused) {
                return Err(Errno::EINVAL);
            }
            plane.bytesused = bytesused;
            plane.data_offset = given.data_offset;
        } else {
            plane.bytesused = 0;
            plane.data_offset = 0;
        }
        Ok(plane)
    }

    /// PREPARE_BUF: validates and records a buffer without queueing it; `out` gets its
    /// state.
    pub fn prepare(&mut self, req: &QueueRequest, min_sizes: &[u32], out: &mut BufferReply<'_>) -> Result<()> {
        if self.is_prepared(req.index as usize) {
            return Err(Errno::EINVAL);
        }
        let index = self.check_and_record(req, min_sizes)?;
        self.buffers[index].state = SlotState::Prepared;
        self.status_into(index, out)
    }

    /// QBUF: the buffer moves from dequeued to queued; `out` gets its state.
    pub fn queue(&mut self, req: &QueueRequest, min_sizes: &[u32], out: &mut BufferReply<'_>) -> Result<()> {
        let index = req.index as usize;
        // A prepared buffer keeps the planes recorded by PREPARE_BUF, as videobuf2 does.
        let prepared = self.is_prepared(index);
        let index = if prepared && Some(req.memory) == self.memory() && req.num_planes >= usize::from(self.num_planes) {
            index
        } else {
            self.check_and_record(req, min_sizes)?
        };
        let output = self.dir == Direction::Output;
        let buffer = &mut self.buffers[index];
        // The timestamp travels with QBUF only (never PREPARE_BUF).
        buffer.set_meta(if output { &req.meta } else { &FrameMeta::NONE });
        if output {
            buffer.timestamp = PackedStamp::of(req.timestamp);
        }
        buffer.state = SlotState::Queued;
        buffer.flags.set_done(DoneFlags::empty());
        let queued = self.queued.push(index as u8);
        debug_assert!(queued, "a queue holds each buffer at most once");
        self.status_into(index, out)
    }

    /// The driver takes the oldest queued buffer: `out` gets its token, built in place (a
    /// token is a few hundred bytes), and the buffer's index is returned; `None`, with
    /// `out` untouched, if no buffer is queued. `arena` resolves MMAP planes.
    pub fn take(
        &mut self,
        arena: &dyn BufferArena,
        slot: u16,
        generation: u32,
        out: &mut Option<ActiveBuffer>,
    ) -> Option<usize> {
        let index = self.queued.pop()?;
        let count = usize::from(self.num_planes);
        let memory = self.memory();
        let buffer = &mut self.buffers[usize::from(index)];
        buffer.state = SlotState::Active;
        self.active += 1;
        let mmap = memory == Some(Memory::Mmap);
        let token = out.insert(ActiveBuffer {
            dir: self.dir,
            index,
            slot,
            generation,
            num_planes: count as u8,
            mmap,
            planes: [PlaneMemory::NONE; MAX_PLANES],
            bytesused: [0; MAX_PLANES],
            data_offset: [0; MAX_PLANES],
            timestamp: buffer.timestamp.get(),
            flags: buffer.flags.queued(),
            sequence: self.sequence,
            epoch: self.epoch,
        });
        for (i, plane) in buffer.planes.iter().enumerate().take(count) {
            token.planes[i] = if mmap {
                PlaneMemory {
                    cpu: arena.cpu_ptr(plane.region()),
                    bus: arena.bus_addr(plane.region()),
                    offset: plane.addr,
                    len: plane.length,
                }
            } else {
                PlaneMemory { cpu: plane.addr as *mut u8, bus: plane.addr as u64, offset: 0, len: plane.length }
            };
            token.bytesused[i] = plane.bytesused;
            token.data_offset[i] = plane.data_offset;
        }
        Some(usize::from(index))
    }

    /// The driver hands an active buffer back: it becomes done, with the next sequence
    /// number. `EINVAL` if that buffer is not active or `epoch` is not the queue's (a token
    /// used twice cannot exist, but one that outlived its job — reclaimed, then the buffer
    /// queued and taken again — or one from before a reallocation could).
    ///
    /// A CAPTURE buffer takes `source`, the metadata of the OUTPUT buffer its frame came
    /// from; frame-type flags the driver set win over the source's.
    pub fn complete(&mut self, index: usize, epoch: u32, done: &Completion, source: FrameMeta) -> Result<()> {
        if index >= usize::from(self.count) || self.buffers[index].state != SlotState::Active || epoch != self.epoch {
            return Err(Errno::EINVAL);
        }
        self.active -= 1;
        self.finish(index, done, source);
        Ok(())
    }

    fn finish(&mut self, index: usize, done: &Completion, source: FrameMeta) {
        let count = usize::from(self.num_planes);
        let output = self.dir == Direction::Output;
        let sequence = self.sequence;
        self.sequence = self.sequence.wrapping_add(1);
        let buffer = &mut self.buffers[index];
        buffer.state = SlotState::Done;
        buffer.flags.set_done(done.flags);
        buffer.sequence = sequence;
        if !output {
            buffer.timestamp = PackedStamp::of(done.timestamp);
            buffer.set_meta(&source);
            if done.flags.bits() & FrameMeta::FRAME_TYPES != 0 {
                buffer.flags.set_queued(source.flags & !FrameMeta::FRAME_TYPES);
            }
            for (plane, &used) in buffer.planes.iter_mut().zip(&done.bytesused).take(count) {
                plane.bytesused = used.min(plane.length);
            }
        }
        let done = self.done.push(index as u8);
        debug_assert!(done, "a queue holds each buffer at most once");
    }

    /// Completes the oldest queued buffer without the driver: an empty buffer flagged
    /// `flags` (the LAST buffer of a drain). Returns false if none is queued.
    pub fn complete_next_empty(&mut self, flags: DoneFlags, timestamp: Timestamp) -> bool {
        let Some(index) = self.queued.pop() else {
            return false;
        };
        let done = Completion { bytesused: [0; MAX_PLANES], timestamp, flags };
        self.finish(usize::from(index), &done, FrameMeta::NONE);
        true
    }

    /// Whether `len` bytes at application address `start` overlap the memory of a USERPTR
    /// buffer of this queue that the device holds (queued or active).
    pub fn userptr_in_flight_overlaps(&self, start: usize, len: usize) -> bool {
        if self.memory() != Some(Memory::UserPtr) || len == 0 {
            return false;
        }
        let end = start.saturating_add(len);
        self.buffers[..usize::from(self.count)]
            .iter()
            .filter(|b| matches!(b.state, SlotState::Queued | SlotState::Active))
            .flat_map(|b| b.planes[..usize::from(self.num_planes)].iter())
            .any(|p| p.length > 0 && start < p.addr.saturating_add(p.length as usize) && p.addr < end)
    }

    /// The timestamp and metadata buffer `index` was queued with.
    pub fn frame_meta(&self, index: usize) -> Option<(Timestamp, FrameMeta)> {
        self.buffers[..usize::from(self.count)].get(index).map(|b| (b.timestamp.get(), b.meta()))
    }

    /// Marks every active buffer done with the error flag (the driver's job ended without
    /// handing them back). Returns how many were reclaimed.
    pub fn reclaim_active(&mut self) -> usize {
        if self.active == 0 {
            return 0;
        }
        let mut reclaimed = 0;
        for index in 0..usize::from(self.count) {
            if self.buffers[index].state == SlotState::Active {
                self.active -= 1;
                self.finish(index, &Completion::error(), FrameMeta::NONE);
                reclaimed += 1;
            }
        }
        if reclaimed > 0 {
            self.epoch = self.epoch.wrapping_add(1);
        }
        reclaimed
    }

    /// DQBUF without waiting: the oldest done buffer, `EPIPE` after the LAST one,
    /// `EAGAIN` if none is done, `EINVAL` if not streaming. A buffer with more planes than
    /// `out` has room for is `EINVAL`, and stays done. `out` gets the buffer's state.
    pub fn dequeue(&mut self, out: &mut BufferReply<'_>) -> Result<()> {
        if !self.streaming {
            return Err(Errno::EINVAL);
        }
        if self.last_dequeued {
            return Err(Errno::EPIPE);
        }
        let index = usize::from(self.done.front().ok_or(Errno::EAGAIN)?);
        if out.room() < usize::from(self.num_planes) {
            return Err(Errno::EINVAL);
        }
        self.done.pop();
        self.buffers[index].state = SlotState::Dequeued;
        if self.ends_stream(index) {
            self.last_dequeued = true;
        }
        self.status_into(index, out)
    }

    /// Takes back the DQBUF of buffer `index`, the last one dequeued (its answer could not
    /// be written): it is done again, first in line, and a LAST buffer is again to come.
    /// `EINVAL` (nothing changed) if that buffer is not dequeued.
    pub fn undo_dequeue(&mut self, index: usize) -> Result<()> {
        let buffer = self.buffers[..usize::from(self.count)].get_mut(index).ok_or(Errno::EINVAL)?;
        if buffer.state != SlotState::Dequeued || !self.done.push_front(index as u8) {
            return Err(Errno::EINVAL);
        }
        buffer.state = SlotState::Done;
        if self.ends_stream(index) {
            self.last_dequeued = false;
        }
        Ok(())
    }

    /// Whether buffer `index` is a CAPTURE buffer flagged LAST: once it is dequeued,
    /// DQBUF answers `EPIPE`.
    fn ends_stream(&self, index: usize) -> bool {
        self.dir == Direction::Capture && self.buffers[index].flags.done().contains(DoneFlags::LAST)
    }

    /// STREAMON: `EINVAL` without buffers.
    pub fn stream_on(&mut self) -> Result<()> {
        if self.count == 0 {
            return Err(Errno::EINVAL);
        }
        if !self.streaming {
            self.streaming = true;
            self.sequence = 0;
            self.last_dequeued = false;
        }
        Ok(())
    }

    /// Stops accepting work without touching buffers: jobs stop being scheduled and DQBUF
    /// fails until [`FrameQueue::stream_off`] completes the stop.
    pub fn halt(&mut self) {
        self.streaming = false;
    }

    /// STREAMOFF: every queued and done buffer returns to the application. The caller
    /// made sure the driver holds none (`active_count() == 0`).
    pub fn stream_off(&mut self) {
        debug_assert_eq!(self.active, 0, "STREAMOFF with buffers still in the driver");
        for buffer in &mut self.buffers[..usize::from(self.count)] {
            buffer.state = SlotState::Dequeued;
        }
        self.queued.clear();
        self.done.clear();
        self.streaming = false;
        self.sequence = 0;
        self.last_dequeued = false;
    }
}

/// The plane sizes `fmt` needs.
pub fn plane_sizes(fmt: &PixFormat) -> ([u32; MAX_PLANES], usize) {
    let mut sizes = [0; MAX_PLANES];
    let planes = fmt.active_planes();
    for (out, plane) in sizes.iter_mut().zip(planes) {
        *out = plane.sizeimage;
    }
    (sizes, planes.len())
}
