//! The cluster boots after the page is up. A fresh playground's cluster still has to get
//! its system objects and live its first minutes (`Playground::starting`); done in one go
//! before the first render, that held the page (terminal included) for a few hundred
//! milliseconds, mostly of WebAssembly compiled on its first call. Instead the page shows its terminal at once and the boot runs here in short
//! tasks, between which the browser handles input; a command entered before the boot ends
//! finishes it first (`Playground::run`), so it is answered by the booted cluster. The
//! slices follow one another with no idle time between them (`soon.rs`), so the boot ends
//! as early as its own work allows: an early command waits only for what is left of it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::playground::Playground;

/// Real time one boot task may take: short enough for a key press to wait at most this long.
const SLICE_MS: f64 = 10.0;

/// Boots `playground`'s cluster a slice per task until it is booted, then calls `booted`.
/// `driving` is true while a boot runs, so a page that redraws starts only one.
pub fn drive(playground: Rc<RefCell<Playground>>, driving: Rc<Cell<bool>>, booted: Callback<()>) {
    if driving.replace(true) {
        return;
    }
    next_slice(playground, driving, booted);
}

fn next_slice(playground: Rc<RefCell<Playground>>, driving: Rc<Cell<bool>>, booted: Callback<()>) {
    crate::soon::run(move || {
        let done = playground
            .borrow_mut()
            .boot_within(&mut crate::frame::slice_of(SLICE_MS));
        if done {
            driving.set(false);
            booted.emit(());
        } else {
            next_slice(playground, driving, booted);
        }
    });
}
