//! `kubectl create configmap NAME [--from-literal|--from-file|--from-env-file]…`.

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::{Object, Typed};

use super::sources;
use crate::args::Parsed;
use crate::session::Session;

/// The ConfigMap to send and the words of kubectl's failure message.
pub fn generate(parsed: &Parsed, session: &Session) -> Result<(Object, String), String> {
    let name = super::one_name(parsed, 1, "configmap")?;
    let data = sources::collect(parsed, session, &format!("ConfigMap {name:?}"))?;
    let config_map = ConfigMap {
        metadata: ObjectMeta {
            name: Some(name),
            ..ObjectMeta::default()
        },
        data: (!data.is_empty()).then_some(data),
        ..ConfigMap::default()
    };
    Ok((config_map.into_object(), "configmap:".into()))
}
