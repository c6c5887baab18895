//! The examples menu of the YAML editor: the workshop's demo Deployment and one example per
//! workload kind kubeplay runs.

pub struct Example {
    pub title: &'static str,
    pub yaml: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        title: "Workshop demo Deployment (3 replicas)",
        yaml: "apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: demo
  name: demo
spec:
  replicas: 3                    # scale-out: https://12factor.net/concurrency
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
      - name: demo
        image: demo:1.0.0
        env:
        - name: GREETING
          value: Hi from
",
    },
    Example {
        title: "Deployment with a rolling update strategy",
        yaml: "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 6
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
",
    },
    Example {
        title: "ReplicaSet",
        yaml: "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    tier: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: httpd:2.4
",
    },
    Example {
        title: "DaemonSet",
        yaml: "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: agent
        image: busybox:1.36
        command: [\"sh\", \"-c\", \"while true; do echo collecting; sleep 30; done\"]
",
    },
    Example {
        title: "StatefulSet with a headless Service (StatefulSet Basics)",
        yaml: "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      resources:
        requests:
          storage: 1Gi
",
    },
    Example {
        title: "Job (the kubernetes.io pi example)",
        yaml: "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]
      restartPolicy: Never
  backoffLimit: 4
",
    },
    Example {
        title: "CronJob (every minute)",
        yaml: "apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: \"* * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            command: [\"/bin/sh\", \"-c\", \"date; echo Hello from the Kubernetes cluster\"]
          restartPolicy: OnFailure
",
    },
    Example {
        title: "Pod that crashes (CrashLoopBackOff)",
        yaml: "apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [\"sh\", \"-c\", \"echo starting; sleep 3; exit 1\"]
",
    },
    Example {
        title: "Image that does not exist (ImagePullBackOff)",
        yaml: "apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: web
    image: nginx:1.161
",
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
