//! Image pulls: the node's image cache, `imagePullPolicy`, pull times that follow the image
//! size, and `ErrImagePull` → `ImagePullBackOff` with the kubelet's back-off.

use super::images;
use super::{
    BACK_OFF_INITIAL_MS, BACK_OFF_MAX_MS, KubeletStep, Kubelets, PULL_BYTES_PER_SECOND, waiting,
};
use crate::api::{ApiServer, EventType};
use crate::clock::Millis;
use crate::uid_key::UidKey;

/// From "already present" to a restarted container's start.
const RESTART_START_MS: Millis = 150;

impl Kubelets {
    pub(super) fn start_container(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let Some(runtime) = self.pods.get(&UidKey::new(uid)) else {
            return;
        };
        let Some(container) = runtime.containers.get(index) else {
            return;
        };
        let epoch = runtime.epoch;
        let first_run = container.instance == 0;
        let image = container.image.clone().unwrap_or_default();
        let policy = super::container_spec(&api.store, &runtime.key, uid, container)
            .and_then(|spec| spec.image_pull_policy.clone())
            .unwrap_or_else(|| "IfNotPresent".into());
        let info = images::lookup(&image, runtime.credentials);
        let present = info.as_ref().is_ok_and(|i| {
            self.images
                .get(&runtime.node)
                .is_some_and(|set| set.contains(&i.reference))
        });
        if present && policy != "Always" {
            self.event(
                uid,
                Some(index),
                EventType::Normal,
                "Pulled",
                format!("Container image {image:?} already present on machine"),
                api,
            );
            // A restart takes a fixed time, so that a crash loop draws nothing random.
            let delay = if first_run {
                self.jitter(uid, api, 80, 250)
            } else {
                RESTART_START_MS
            };
            schedule(delay, KubeletStep::Started { container: index }, epoch);
            return;
        }
        if policy == "Never" && !present {
            self.set_waiting(
                uid,
                index,
                "ErrImageNeverPull",
                Some(format!(
                    "Container image {image:?} is not present with pull policy of Never"
                )),
            );
            self.event(
                uid,
                Some(index),
                EventType::Warning,
                "ErrImageNeverPull",
                format!("Container image {image:?} is not present with pull policy of Never"),
                api,
            );
            self.write_status(uid, api);
            return;
        }
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "Pulling",
            format!("Pulling image {image:?}"),
            api,
        );
        let pull_started = api.clock.now_ms();
        if let Some(c) = self
            .pods
            .get_mut(&UidKey::new(uid))
            .and_then(|r| r.containers.get_mut(index))
        {
            c.pull_started_ms = pull_started;
        }
        match info {
            Ok(info) => {
                let cached = present;
                let base = if cached {
                    300
                } else {
                    info.size_bytes * 1000 / PULL_BYTES_PER_SECOND
                };
                let delay = base + self.jitter(uid, api, 200, 900);
                schedule(delay, KubeletStep::Pulled { container: index }, epoch);
            }
            Err(_) => {
                let delay = self.jitter(uid, api, 800, 2000);
                schedule(delay, KubeletStep::PullFailed { container: index }, epoch);
            }
        }
    }

    pub(super) fn pulled(&mut self, uid: &str, index: usize, api: &mut ApiServer) {
        let Some(runtime) = self.pods.get(&UidKey::new(uid)) else {
            return;
        };
        let Some(container) = runtime.containers.get(index) else {
            return;
        };
        let image = container.image.clone().unwrap_or_default();
        let Ok(info) = images::lookup(&image, runtime.credentials) else {
            return;
        };
        let node = runtime.node.clone();
        let size = info.size_bytes;
        let seconds = api.clock.now_ms().saturating_sub(container.pull_started_ms) as f64 / 1000.0;
        self.images.entry(node).or_default().insert(info.reference);
        let message = format!(
            "Successfully pulled image {image:?} in {seconds:.3}s ({seconds:.3}s including waiting). Image size: {size} bytes."
        );
        self.event(uid, Some(index), EventType::Normal, "Pulled", message, api);
    }

    /// A pull failed: `ErrImagePull` with the registry's answer, and the image back-off
    /// (`imageManager.EnsureImageExists`: `backOff.Next` per pod and image, 10 s doubling
    /// to 5 min). The failed sync makes the pod worker retry in 10–15 s.
    pub(super) fn pull_failed(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        let epoch = runtime.epoch;
        let credentials = runtime.credentials;
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let image = container.image.clone().unwrap_or_default();
        let Err(error) = images::lookup(&image, credentials) else {
            return;
        };
        let back_off = match container.pull_back_off {
            Some((back_off, last)) if now.saturating_sub(last) <= 2 * BACK_OFF_MAX_MS => {
                (back_off * 2).min(BACK_OFF_MAX_MS)
            }
            _ => BACK_OFF_INITIAL_MS,
        };
        container.pull_back_off = Some((back_off, now));
        container.state = waiting("ErrImagePull", Some(error.to_string()));
        self.event(
            uid,
            Some(index),
            EventType::Warning,
            "Failed",
            format!("Failed to pull image {image:?}: {error}"),
            api,
        );
        self.event(
            uid,
            Some(index),
            EventType::Warning,
            "Failed",
            "Error: ErrImagePull".into(),
            api,
        );
        self.write_status(uid, api);
        let retry = self.pod_worker_back_off(uid, api);
        schedule(retry, KubeletStep::PullSync { container: index }, epoch);
    }

    /// The pod worker syncs a pod whose image pull failed: still inside the image back-off
    /// it reports `ImagePullBackOff` (with the last pull error) and tries again later;
    /// past it, it pulls again.
    pub(super) fn pull_sync(
        &mut self,
        uid: &str,
        index: usize,
        api: &mut ApiServer,
        schedule: &mut impl FnMut(Millis, KubeletStep, u64),
    ) {
        let now = api.clock.now_ms();
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        let epoch = runtime.epoch;
        let credentials = runtime.credentials;
        let Some(container) = runtime.containers.get_mut(index) else {
            return;
        };
        let in_back_off = container
            .pull_back_off
            .is_some_and(|(back_off, last)| now.saturating_sub(last) < back_off);
        if !in_back_off {
            self.start_container(uid, index, api, schedule);
            return;
        }
        let image = container.image.clone().unwrap_or_default();
        let error = images::lookup(&image, credentials)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        container.state = waiting(
            "ImagePullBackOff",
            Some(format!(
                "Back-off pulling image {image:?}: ErrImagePull: {error}"
            )),
        );
        self.event(
            uid,
            Some(index),
            EventType::Normal,
            "BackOff",
            format!("Back-off pulling image {image:?}"),
            api,
        );
        self.event(
            uid,
            Some(index),
            EventType::Warning,
            "Failed",
            "Error: ImagePullBackOff".into(),
            api,
        );
        self.write_status(uid, api);
        let retry = self.pod_worker_back_off(uid, api);
        schedule(retry, KubeletStep::PullSync { container: index }, epoch);
    }

    fn set_waiting(&mut self, uid: &str, index: usize, reason: &str, message: Option<String>) {
        if let Some(c) = self
            .pods
            .get_mut(&UidKey::new(uid))
            .and_then(|r| r.containers.get_mut(index))
        {
            c.state = waiting(reason, message);
        }
    }
}

impl Kubelets {
    /// The pod worker's retry after a failed sync: `backOffPeriod` (10 s) with 50 % jitter
    /// (`completeWork` in pod_workers.go).
    fn pod_worker_back_off(&mut self, uid: &str, api: &mut ApiServer) -> Millis {
        self.jitter(uid, api, 10_000, 15_000)
    }
}
