//! The global allocator of the WebAssembly builds (the web page and `scripts/bench-core`):
//! dlmalloc, as std uses on wasm32-unknown-unknown, but growing the linear memory by a quarter
//! of its size at a time instead of by what one allocation lacks (64 KiB mostly). Each
//! `memory.grow` costs V8 far more than the pages it adds: it replaces the memory's
//! ArrayBuffer and counts the new size as external memory, which starts garbage collections.
//! Grown 64 KiB at a time, a 10,000-replica run spent over a third of its time there (issue
//! 11); grown by a quarter, a few dozen grows take the memory to its peak. Pages grown and not
//! yet used cost address space, not RAM: the engine maps them on first touch.

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

/// The global allocator: `#[global_allocator] static HEAP: WasmHeap = WasmHeap::new();`.
pub struct WasmHeap(UnsafeCell<Dlmalloc<GrowByQuarter>>);

impl WasmHeap {
    pub const fn new() -> Self {
        Self(UnsafeCell::new(Dlmalloc::new_with_allocator(GrowByQuarter)))
    }

    /// The allocator itself.
    #[allow(clippy::mut_from_ref)]
    fn dlmalloc(&self) -> &mut Dlmalloc<GrowByQuarter> {
        // SAFETY: wasm32 without the atomics feature runs one thread (the module guards on
        // it), and no call below re-enters the allocator, so this is the only reference.
        unsafe { &mut *self.0.get() }
    }
}

impl Default for WasmHeap {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: one thread (see `dlmalloc`).
unsafe impl Sync for WasmHeap {}

// SAFETY: dlmalloc upholds GlobalAlloc's contract; the caller's contract is passed on.
unsafe impl GlobalAlloc for WasmHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as GlobalAlloc::alloc.
        unsafe { self.dlmalloc().malloc(layout.size(), layout.align()) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as GlobalAlloc::alloc_zeroed.
        unsafe { self.dlmalloc().calloc(layout.size(), layout.align()) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as GlobalAlloc::dealloc.
        unsafe { self.dlmalloc().free(pointer, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as GlobalAlloc::realloc.
        unsafe {
            self.dlmalloc()
                .realloc(pointer, layout.size(), layout.align(), new_size)
        }
    }
}
