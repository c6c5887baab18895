//! Feature gates, as a kind config's `featureGates:` map sets them for every component.
//! Only the gates that change simulated behaviour are read; the others are accepted and
//! ignored, as kubeplay does not model what they guard.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_model::Object;

/// `MaxUnavailableStatefulSet`: alpha and off by default in v1.33.
pub const MAX_UNAVAILABLE_STATEFUL_SET: &str = "MaxUnavailableStatefulSet";

/// The gates a cluster was started with (v1.33 defaults unless overridden).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureGates {
    overrides: BTreeMap<String, bool>,
}

impl FeatureGates {
    pub fn new(overrides: BTreeMap<String, bool>) -> FeatureGates {
        FeatureGates { overrides }
    }

    fn enabled(&self, gate: &str, default: bool) -> bool {
        self.overrides.get(gate).copied().unwrap_or(default)
    }

    pub fn max_unavailable_stateful_set(&self) -> bool {
        self.enabled(MAX_UNAVAILABLE_STATEFUL_SET, false)
    }

    /// What the API server does to a StatefulSet between decoding and validation that
    /// depends on gates: `SetDefaults_StatefulSet` defaults `maxUnavailable` to 1 when the
    /// gate is on; `dropStatefulSetDisabledFields` clears it when the gate is off, unless the
    /// stored object (`old`, on update) already uses it.
    pub fn prepare(&self, object: &mut Object, old: Option<&Object>) {
        let Object::StatefulSet(set) = object else {
            return;
        };
        let enabled = self.max_unavailable_stateful_set();
        let Some(strategy) = set
            .spec
            .as_mut()
            .and_then(|spec| spec.update_strategy.as_mut())
        else {
            return;
        };
        let rolling_type = strategy.type_.as_deref() == Some("RollingUpdate");
        let Some(rolling) = strategy.rolling_update.as_mut() else {
            return;
        };
        if enabled && rolling_type {
            rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
        } else if !enabled && !old.is_some_and(max_unavailable_in_use) {
            rolling.max_unavailable = None;
        }
    }
}

fn max_unavailable_in_use(old: &Object) -> bool {
    let Some(spec) = old.as_typed::<StatefulSet>().and_then(|o| o.spec.as_ref()) else {
        return false;
    };
    spec.update_strategy
        .as_ref()
        .and_then(|strategy| strategy.rolling_update.as_ref())
        .is_some_and(|rolling| rolling.max_unavailable.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{
        RollingUpdateStatefulSetStrategy, StatefulSetSpec, StatefulSetUpdateStrategy,
    };

    fn set(max_unavailable: Option<IntOrString>) -> Object {
        Object::StatefulSet(Box::new(StatefulSet {
            spec: Some(StatefulSetSpec {
                update_strategy: Some(StatefulSetUpdateStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateStatefulSetStrategy {
                        max_unavailable,
                        partition: Some(0),
                    }),
                }),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        }))
    }

    #[test]
    fn gate_off_drops_the_field_unless_already_in_use() {
        let off = FeatureGates::default();
        let mut created = set(Some(IntOrString::Int(2)));
        off.prepare(&mut created, None);
        assert_eq!(created, set(None));
        let mut updated = set(Some(IntOrString::Int(3)));
        off.prepare(&mut updated, Some(&set(Some(IntOrString::Int(2)))));
        assert_eq!(updated, set(Some(IntOrString::Int(3))));
    }

    #[test]
    fn gate_on_defaults_the_field_to_one() {
        let on = FeatureGates::new([(MAX_UNAVAILABLE_STATEFUL_SET.to_string(), true)].into());
        let mut created = set(None);
        on.prepare(&mut created, None);
        assert_eq!(created, set(Some(IntOrString::Int(1))));
        let mut kept = set(Some(IntOrString::String("50%".into())));
        on.prepare(&mut kept, None);
        assert_eq!(kept, set(Some(IntOrString::String("50%".into()))));
    }
}
