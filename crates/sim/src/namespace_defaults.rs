//! What a real cluster puts in every namespace as soon as it exists: the `default`
//! ServiceAccount (the service account controller, `serviceaccounts_controller.go`) and the
//! `kube-root-ca.crt` ConfigMap with the cluster's CA bundle (the root CA publisher,
//! `publisher.go`, for the projected token volume's `ca.crt`). Both controllers react within
//! milliseconds; kubeplay creates the objects with the namespace.
//!
//! Their UIDs are derived from the namespace's (not drawn from the cluster's RNG), so adding
//! them changes no generated name elsewhere. The certificate is shaped like kind's
//! self-signed `kubernetes` CA but signs nothing.

use k8s_openapi::api::core::v1::{ConfigMap, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubeplay_model::Object;

/// The CA bundle every `kube-root-ca.crt` holds (a placeholder with a certificate's shape).
pub const CA_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIIa3ViZXBsYXkwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE
AxMKa3ViZXJuZXRlczAeFw0yNTA2MDIxMDEwMDBaFw0zNTA1MzExMDE1MDBaMBUx
EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQCka3ViZXBsYXkgc2lnbnMgbm90aGluZzogdGhpcyBpcyBub3QgYSByZWFs
IGNlcnRpZmljYXRlLCBvbmx5IGl0cyBzaGFwZS4ga3ViZXBsYXkgc2lnbnMgbm90
aGluZy4ga3ViZXBsYXkgc2lnbnMgbm90aGluZy4ga3ViZXBsYXkgc2lnbnMgbm90
aGluZy4ga3ViZXBsYXkgc2lnbnMgbm90aGluZy4ga3ViZXBsYXkgc2lnbnMgbm90
aGluZy4ga3ViZXBsYXkgc2lnbnMgbm90aGluZy4ga3ViZXBsYXkgc2lnbnMgbm90
AgMBAAGjWTBXMA4GA1UdDwEB/wQEAwICpDAPBgNVHRMBAf8EBTADAQH/MB0GA1Ud
DgQWBBRrdWJlcGxheSBzaWducyBub3RoaW5nMBUGA1UdEQQOMAyCCmt1YmVybmV0
ZXMwDQYJKoZIhvcNAQELBQADggEBAGt1YmVwbGF5IHNpZ25zIG5vdGhpbmc=
-----END CERTIFICATE-----
";

/// The objects a new namespace gets, each with the UID it is stored under.
pub fn objects(namespace: &str, namespace_uid: &str) -> Vec<(Object, String)> {
    let meta = |name: &str| ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        ..ObjectMeta::default()
    };
    let mut config_map = ConfigMap {
        metadata: meta("kube-root-ca.crt"),
        data: Some([("ca.crt".to_string(), CA_CERT.to_string())].into()),
        ..ConfigMap::default()
    };
    config_map.metadata.annotations = Some(
        [(
            "kubernetes.io/description".to_string(),
            "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
        )]
        .into(),
    );
    let account = ServiceAccount {
        metadata: meta("default"),
        ..ServiceAccount::default()
    };
    vec![
        (
            Object::ConfigMap(Box::new(config_map)),
            derived_uid(namespace_uid, 1),
        ),
        (
            Object::ServiceAccount(Box::new(account)),
            derived_uid(namespace_uid, 2),
        ),
    ]
}

/// A UID of the usual shape, derived from another (FNV-1a of it and `salt`).
fn derived_uid(uid: &str, salt: u8) -> String {
    let mut hex = String::new();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..2u8 {
        for byte in uid.bytes().chain([salt, round]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hex.push_str(&format!("{hash:016x}"));
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_namespace_gets_a_ca_bundle_and_a_default_account() {
        let objects = objects("dev", "0b9a6c2e-1111-4222-8333-444455556666");
        let names: Vec<String> = objects
            .iter()
            .map(|(o, _)| format!("{:?}/{}", o.kind(), o.name()))
            .collect();
        assert_eq!(
            names,
            ["ConfigMap/kube-root-ca.crt", "ServiceAccount/default"]
        );
        assert_eq!(objects[0].1.len(), 36);
        assert_ne!(objects[0].1, objects[1].1);
    }
}
