//! The one simulated cluster the server holds, and the signal watchers wait on.
//!
//! Every request locks the cluster for the time of one core call (no await while it is
//! held), lets the control plane react at the current instant (`settle`), and tells watchers
//! that the store's journal may have grown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use kubeplay_sim::Cluster;
use tokio::sync::watch;

/// How many recent changes watches can resume from by default (the watch cache's window).
pub const DEFAULT_WATCH_CACHE_SIZE: usize = 10_000;

#[derive(Clone)]
pub struct Shared {
    cluster: Arc<Mutex<Cluster>>,
    changed: Arc<watch::Sender<u64>>,
    /// Watches being served now (a test driving a manual clock asks whether a client waits).
    open_watches: Arc<AtomicUsize>,
    /// `https://127.0.0.1:PORT`-style address clients reach us at (for `/api`).
    pub address: Arc<str>,
}

impl Shared {
    pub fn new(mut cluster: Cluster, address: &str, watch_cache_size: usize) -> Shared {
        cluster.api.store.keep_journal(watch_cache_size.max(1));
        cluster.settle();
        Shared {
            cluster: Arc::new(Mutex::new(cluster)),
            changed: Arc::new(watch::channel(0).0),
            open_watches: Arc::new(AtomicUsize::new(0)),
            address: address.into(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Cluster> {
        // A panic while the lock was held leaves the cluster as the core left it; serving
        // on is better than refusing every later request.
        self.cluster
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reads the cluster.
    pub fn read<T>(&self, read: impl FnOnce(&Cluster) -> T) -> T {
        read(&self.lock())
    }

    /// Changes the cluster, lets the control plane react, and wakes the watchers.
    pub fn write<T>(&self, write: impl FnOnce(&mut Cluster) -> T) -> T {
        let result = {
            let mut cluster = self.lock();
            let result = write(&mut cluster);
            cluster.settle();
            result
        };
        self.changed.send_modify(|count| *count += 1);
        result
    }

    /// Counts a watch as open until the returned guard is dropped.
    pub fn watch_opened(&self) -> OpenWatch {
        self.open_watches.fetch_add(1, Ordering::SeqCst);
        OpenWatch(self.open_watches.clone())
    }

    pub fn open_watches(&self) -> usize {
        self.open_watches.load(Ordering::SeqCst)
    }

    /// A receiver that wakes when the cluster has changed.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

/// An open watch; dropping it closes it.
pub struct OpenWatch(Arc<AtomicUsize>);

impl Drop for OpenWatch {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
