//! A task that runs as soon as the browser has handled what was waiting before it (input, a
//! frame to draw): a message the page posts to itself, as React's scheduler does. Unlike
//! `setTimeout(0)`, which the browser holds back at least 4 ms once such timers have been set
//! from one another five times, it costs no idle time, so work cut into slices (the boot)
//! takes the time of its slices, not that plus 4 ms for each.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

type Task = Box<dyn FnOnce()>;

/// One channel for the page: its second port posts, its first runs the task queued first.
struct Channel {
    tasks: Rc<RefCell<VecDeque<Task>>>,
    sender: web_sys::MessagePort,
    // Kept for as long as the page runs: the port calls it for every message.
    _receive: Closure<dyn FnMut()>,
}

thread_local! {
    static CHANNEL: Option<Channel> = open();
}

fn open() -> Option<Channel> {
    let channel = web_sys::MessageChannel::new().ok()?;
    let tasks: Rc<RefCell<VecDeque<Task>>> = Rc::default();
    let queue = tasks.clone();
    let receive = Closure::<dyn FnMut()>::new(move || {
        // Taken out before it runs: a task may queue the next one.
        let task = queue.borrow_mut().pop_front();
        if let Some(task) = task {
            task();
        }
    });
    channel
        .port1()
        .set_onmessage(Some(receive.as_ref().unchecked_ref()));
    Some(Channel {
        tasks,
        sender: channel.port2(),
        _receive: receive,
    })
}

/// Runs `task` in a task of its own, soon.
pub fn run(task: impl FnOnce() + 'static) {
    let task: Task = Box::new(task);
    let left = CHANNEL.with(|channel| match channel {
        Some(channel)
            if channel
                .sender
                .post_message(&wasm_bindgen::JsValue::NULL)
                .is_ok() =>
        {
            channel.tasks.borrow_mut().push_back(task);
            None
        }
        _ => Some(task),
    });
    // Without a channel (never in a browser that runs WebAssembly), a timer does it.
    if let Some(task) = left {
        Timeout::new(0, task).forget();
    }
}
