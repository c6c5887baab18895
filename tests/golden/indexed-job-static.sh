# The kubernetes.io task "Indexed Job for Parallel Processing with Static Work Assignment"
# (issue 18.6): each pod's init container picks its work item with bash from
# $JOB_COMPLETION_INDEX (the downward API env var the Job controller adds, from the
# batch.kubernetes.io/job-completion-index label: podGenerateIndexedJob... in
# pkg/controller/job/indexed_job_utils.go, v1.33) into an emptyDir, and the worker runs
# busybox's `rev` on it, which prints the reversed text and exits 0.
cat <<'EOF2' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: 'indexed-job'
spec:
  completions: 5
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      initContainers:
      - name: 'input'
        image: 'docker.io/library/bash'
        command:
        - "bash"
        - "-c"
        - |
          items=(foo bar baz qux xyz)
          echo ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt
        volumeMounts:
        - mountPath: /input
          name: input
      containers:
      - name: 'worker'
        image: 'docker.io/library/busybox'
        command:
        - "rev"
        - "/input/data.txt"
        volumeMounts:
        - mountPath: /input
          name: input
      volumes:
      - name: input
        emptyDir: {}
EOF2
sleep 4
kubectl get pods -l batch.kubernetes.io/job-name=indexed-job
sleep 20
kubectl describe jobs/indexed-job | sed -n '/^Completion Mode/,/^Pod Template/p'
kubectl get pods -l batch.kubernetes.io/job-name=indexed-job
for pod in $(kubectl get pods -l batch.kubernetes.io/job-name=indexed-job -o name); do kubectl logs $pod; done
kubectl get jobs indexed-job
kubectl delete job indexed-job
# The same with a downwardAPI volume instead of the init container: each worker reverses
# its own index.
cat <<'EOF2' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: 'indexed-job'
spec:
  completions: 5
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: 'worker'
        image: 'docker.io/library/busybox'
        command:
        - "rev"
        - "/input/data.txt"
        volumeMounts:
        - mountPath: /input
          name: input
      volumes:
      - name: input
        downwardAPI:
          items:
          - path: "data.txt"
            fieldRef:
              fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']
EOF2
sleep 20
kubectl get jobs indexed-job
for pod in $(kubectl get pods -l batch.kubernetes.io/job-name=indexed-job -o name); do kubectl logs $pod; done
