//! Graceful pod termination: `Killing` for each running container, SIGTERM, and the pod
//! object removed once its containers stopped (or the grace period ran out).

use kubeplay_model::Pod;

use super::{KubeletStep, KubeletTimer, Kubelets};
use crate::api::{ApiServer, EventType};
use crate::clock::Millis;
use crate::uid_key::UidKey;

impl Kubelets {
    pub(super) fn begin_termination(
        &mut self,
        uid: &str,
        pod: &Pod,
        api: &mut ApiServer,
        timers: &mut Vec<(Millis, KubeletTimer)>,
    ) {
        let Some(runtime) = self.pods.get_mut(&UidKey::new(uid)) else {
            return;
        };
        if runtime.terminating {
            return;
        }
        runtime.terminating = true;
        runtime.epoch += 1;
        let grace =
            u64::try_from(pod.metadata.deletion_grace_period_seconds.unwrap_or(30)).unwrap_or(30);
        let running: Vec<(usize, String, u64)> = runtime
            .containers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.state.running.is_some())
            .map(|(i, c)| (i, c.name.clone(), c.on_stop.outcome(grace).0))
            .collect();
        let epoch = runtime.epoch;
        for (index, name, _) in &running {
            self.event(
                uid,
                Some(*index),
                EventType::Normal,
                "Killing",
                format!("Stopping container {name}"),
                api,
            );
        }
        let stop_seconds = running.iter().map(|(_, _, s)| *s).max().unwrap_or(0);
        let delay = stop_seconds * 1000 + self.jitter(uid, api, 300, 900);
        timers.push((
            delay,
            KubeletTimer {
                pod_uid: uid.to_string(),
                epoch,
                step: KubeletStep::Stopped,
            },
        ));
    }
}
