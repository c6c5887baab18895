//! The global allocator of the WebAssembly builds (the web page and `scripts/bench-core`):
//! dlmalloc, as std uses on wasm32-unknown-unknown, but growing the linear memory by a quarter
//! of its size at a time instead of by what one allocation lacks (64 KiB mostly). Each
//! `memory.grow` costs V8 far more than the pages it adds: it replaces the memory's
//! ArrayBuffer and counts the new size as external memory, which starts garbage collections.
//! Grown 64 KiB at a time, a 10,000-replica run spent over a third of its time there (issue
//! 11); grown by a quarter, a few dozen grows take the memory to its peak. Pages grown and not
//! yet used cost address space, not RAM: the engine maps them on first touch.
//!
//! In front of dlmalloc, small blocks freed are kept in a free list per size class (8 bytes
//! apart, up to 508) and handed out again first: the core allocates and frees small objects
//! by the million (names, keys, Events), and dlmalloc's free — coalescing, binning — was the
//! larger part of a fifth of the wasm run spent in the allocator. A block in a list stays its
//! class's (it is not coalesced back), so the lists hold at most 4 MiB in all: past that a
//! freed block goes back to dlmalloc, and sizes the core stops using strand no more.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;

use dlmalloc::{Allocator, Dlmalloc};

/// A WebAssembly page.
const PAGE: usize = 64 * 1024;
/// The least a grow adds: 1 MiB, so a small heap does not grow a page at a time either.
const MIN_GROW_PAGES: usize = 16;

/// dlmalloc's source of memory: `memory.grow`, by at least a quarter of the memory's size.
struct GrowByQuarter;

impl GrowByQuarter {
    /// Grows the memory by `pages`: the address of the first new byte, `None` if the engine
    /// refused.
    fn grow(pages: usize) -> Option<usize> {
        let previous = wasm32::memory_grow(0, pages);
        (previous != usize::MAX).then(|| previous * PAGE)
    }
}

// SAFETY: each region returned is freshly grown memory that nothing else uses; it is never
// released or moved (the methods below refuse to), as a linear memory cannot shrink.
unsafe impl Allocator for GrowByQuarter {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let needed = size.div_ceil(PAGE);
        let generous = needed.max(wasm32::memory_size(0) / 4).max(MIN_GROW_PAGES);
        // Near the engine's limit the generous grow may be refused where the needed one fits.
        let grown = Self::grow(generous)
            .map(|base| (base, generous))
            .or_else(|| Self::grow(needed).map(|base| (base, needed)));
        let Some((base, pages)) = grown else {
            return (ptr::null_mut(), 0, 0);
        };
        let mut bytes = pages * PAGE;
        // A region ending at the very top of the 4 GiB address space would have a one-past-
        // the-end pointer of 0: leave its last bytes out (as dlmalloc's own wasm System does).
        if base.wrapping_add(bytes) == 0 {
            bytes -= 16;
        }
        (base as *mut u8, bytes, 0)
    }

    fn remap(&self, _: *mut u8, _: usize, _: usize, _: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _: *mut u8, _: usize, _: usize) -> bool {
        false
    }

    fn free(&self, _: *mut u8, _: usize) -> bool {
        false
    }

    fn can_release_part(&self, _: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

/// A dlmalloc chunk on wasm32 is 8-byte aligned and carries a 4-byte header, so it holds
/// 8k + 4 bytes: the classes are those sizes, 12, 20, 28 … 508, and a classed block takes the
/// chunk dlmalloc would have given its size anyway (classes of 8k bytes took 8 bytes more
/// for half the sizes: the 10,000-pod page's memory grew a quarter more, 106 → 132 MB).
const SMALLEST_CLASS: usize = 12;
const CLASS_STEP: usize = 8;
const CLASSES: usize = 63;
const LARGEST_CLASSED: usize = SMALLEST_CLASS + (CLASSES - 1) * CLASS_STEP;

/// The size class of a block of `layout`, if it is small enough to be kept in one (and
/// aligned no more than dlmalloc's chunks are).
fn class_of(layout: Layout) -> Option<usize> {
    (layout.size() <= LARGEST_CLASSED && layout.align() <= CLASS_STEP).then(|| {
        layout
            .size()
            .saturating_sub(SMALLEST_CLASS)
            .div_ceil(CLASS_STEP)
    })
}

/// The size a block of `class` is allocated with.
fn class_size(class: usize) -> usize {
    SMALLEST_CLASS + class * CLASS_STEP
}

/// The most the free lists hold, in bytes.
const MOST_KEPT: usize = 4 * 1024 * 1024;

/// The global allocator: `#[global_allocator] static HEAP: WasmHeap = WasmHeap::new();`.
pub struct WasmHeap(UnsafeCell<State>);

struct State {
    dlmalloc: Dlmalloc<GrowByQuarter>,
    /// Per size class, the first free block; each free block holds the address of the next
    /// (null ends the list).
    free: [*mut u8; CLASSES],
    /// The bytes the lists hold.
    kept: usize,
}

impl WasmHeap {
    pub const fn new() -> Self {
        Self(UnsafeCell::new(State {
            dlmalloc: Dlmalloc::new_with_allocator(GrowByQuarter),
            free: [ptr::null_mut(); CLASSES],
            kept: 0,
        }))
    }

    /// The allocator's state.
    #[allow(clippy::mut_from_ref)]
    fn state(&self) -> &mut State {
        // SAFETY: wasm32 without the atomics feature runs one thread (the module guards on
        // it), and no call below re-enters the allocator, so this is the only reference.
        unsafe { &mut *self.0.get() }
    }
}

impl State {
    /// A block of `class`: the last one freed, else a new one.
    fn take(&mut self, class: usize) -> *mut u8 {
        let block = self.free[class];
        if block.is_null() {
            // SAFETY: a nonzero size and dlmalloc's own alignment.
            return unsafe { self.dlmalloc.malloc(class_size(class), CLASS_STEP) };
        }
        // SAFETY: a free block of at least 12 bytes, aligned to 8, whose first word `give`
        // wrote.
        self.free[class] = unsafe { block.cast::<*mut u8>().read() };
        self.kept -= class_size(class);
        block
    }

    /// Keeps `block` of `class` for the next `take`, or gives it back to dlmalloc when the
    /// lists hold their most.
    fn give(&mut self, block: *mut u8, class: usize) {
        let size = class_size(class);
        if self.kept + size > MOST_KEPT {
            // SAFETY: `take` had the block from dlmalloc with this size and alignment.
            unsafe { self.dlmalloc.free(block, size, CLASS_STEP) };
            return;
        }
        // SAFETY: the caller frees `block`, a block of `class` (at least 12 bytes, aligned
        // to 8): nothing else uses it now.
        unsafe { block.cast::<*mut u8>().write(self.free[class]) };
        self.free[class] = block;
        self.kept += size;
    }
}

impl Default for WasmHeap {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: one thread (see `state`).
unsafe impl Sync for WasmHeap {}

// SAFETY: dlmalloc upholds GlobalAlloc's contract, and a classed block is one dlmalloc gave
// for at least the size and alignment its class admits, handed out once until freed; the
// caller's contract is passed on.
unsafe impl GlobalAlloc for WasmHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let state = self.state();
        match class_of(layout) {
            Some(class) => state.take(class),
            // SAFETY: as GlobalAlloc::alloc.
            None => unsafe { state.dlmalloc.malloc(layout.size(), layout.align()) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let state = self.state();
        match class_of(layout) {
            Some(class) => {
                let block = state.take(class);
                if !block.is_null() {
                    // SAFETY: the block holds at least `layout.size()` bytes.
                    unsafe { block.write_bytes(0, layout.size()) };
                }
                block
            }
            // SAFETY: as GlobalAlloc::alloc_zeroed.
            None => unsafe { state.dlmalloc.calloc(layout.size(), layout.align()) },
        }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        let state = self.state();
        match class_of(layout) {
            Some(class) => state.give(pointer, class),
            // SAFETY: as GlobalAlloc::dealloc.
            None => unsafe { state.dlmalloc.free(pointer, layout.size(), layout.align()) },
        }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as GlobalAlloc::realloc: `new_size` rounded to the alignment fits `isize`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            (Some(old), Some(new)) if old == new => pointer,
            (None, None) => {
                // SAFETY: as GlobalAlloc::realloc.
                unsafe {
                    self.state()
                        .dlmalloc
                        .realloc(pointer, layout.size(), layout.align(), new_size)
                }
            }
            _ => {
                // SAFETY: as GlobalAlloc::realloc; the two blocks are distinct.
                unsafe {
                    let moved = self.alloc(new_layout);
                    if !moved.is_null() {
                        ptr::copy_nonoverlapping(pointer, moved, layout.size().min(new_size));
                        self.dealloc(pointer, layout);
                    }
                    moved
                }
            }
        }
    }
}
