//! The examples menu of the YAML editor: the workshop's demo Deployment and one example per
//! workload kind kubeplay runs. The manifests live in the repository's `examples/` folder,
//! one file each, so they can be read, linted and reused outside the page.

pub struct Example {
    pub title: &'static str,
    pub yaml: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        title: "Workshop demo Deployment (3 replicas)",
        yaml: include_str!("../../../examples/workshop-demo-deployment.yaml"),
    },
    Example {
        title: "Deployment with a rolling update strategy",
        yaml: include_str!("../../../examples/rolling-update-deployment.yaml"),
    },
    Example {
        title: "ReplicaSet",
        yaml: include_str!("../../../examples/replicaset.yaml"),
    },
    Example {
        title: "DaemonSet",
        yaml: include_str!("../../../examples/daemonset.yaml"),
    },
    Example {
        title: "StatefulSet with a headless Service (StatefulSet Basics)",
        yaml: include_str!("../../../examples/statefulset-with-headless-service.yaml"),
    },
    Example {
        title: "Job (the kubernetes.io pi example)",
        yaml: include_str!("../../../examples/pi-job.yaml"),
    },
    Example {
        title: "CronJob (every minute)",
        yaml: include_str!("../../../examples/hello-cronjob.yaml"),
    },
    Example {
        title: "Pod that crashes (CrashLoopBackOff)",
        yaml: include_str!("../../../examples/crashloop-pod.yaml"),
    },
    Example {
        title: "Image that does not exist (ImagePullBackOff)",
        yaml: include_str!("../../../examples/image-typo-pod.yaml"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_model::manifest::decode_documents;
    use kubeplay_sim::{ClusterShape, create_cluster};

    /// Every example decodes without errors and the API server accepts all its objects.
    #[test]
    fn every_example_applies_to_a_fresh_cluster() {
        for example in EXAMPLES {
            let start = "2025-06-02T10:15:00Z".parse().unwrap_or_default();
            let mut cluster = create_cluster(&ClusterShape::kind(), start, 1);
            let documents = decode_documents(example.yaml, "example.yaml");
            assert!(!documents.is_empty(), "{}: no objects", example.title);
            for document in documents {
                let object = match document {
                    Ok(document) => document.object,
                    Err(error) => panic!("{}: {error}", example.title),
                };
                if let Err(error) = cluster.api.create(object, false) {
                    panic!("{}: {error}", example.title);
                }
            }
        }
    }
}
