# Pod failure policy and backoff limit per index, following the kubernetes.io task "Handling
# retriable and non-retriable pod failures with Pod failure policy" and the Job concept page.
# FailJob: the first pod that exits with 42 fails the whole Job.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: job-pod-failure-policy-example
spec:
  completions: 12
  parallelism: 3
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: docker.io/library/bash:5
        command: ["bash"]        # example command simulating a bug which triggers the FailJob action
        args:
        - -c
        - echo "Hello world!" && sleep 5 && exit 42
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: main      # optional
        operator: In             # one of: In, NotIn
        values: [42]
    - action: Ignore             # one of: Ignore, FailJob, Count
      onPodConditions:
      - type: DisruptionTarget   # indicates Pod disruption
        status: "True"           # one of: True, False or Unknown
EOF
sleep 10
kubectl get jobs
kubectl get pods
kubectl describe job job-pod-failure-policy-example
sleep 30
kubectl get jobs
kubectl get pods
kubectl get job job-pod-failure-policy-example -o jsonpath='{.status.conditions[1].reason}: {.status.conditions[1].message}{"\n"}'
kubectl get events --field-selector involvedObject.name=job-pod-failure-policy-example
kubectl delete job job-pod-failure-policy-example
# Ignore: failures with exit code 3 do not count toward backoffLimit 0, and the pods are replaced.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: flaky
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes:
        operator: In
        values: [3]
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "echo flaky; exit 3"]
EOF
sleep 40
kubectl get jobs flaky
kubectl get pods -l job-name=flaky
kubectl describe job flaky | grep 'Pods Statuses'
kubectl delete job flaky
# Backoff limit per index. The page's example runs python and fails the even indexes through
# $JOB_COMPLETION_INDEX; simulated containers do not see their environment, so here every
# index fails: each index is retried once, 10 s after its own failure, then marked failed,
# and the sixth failed index exceeds maxFailedIndexes.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: job-backoff-limit-per-index-example
spec:
  completions: 10
  parallelism: 3
  completionMode: Indexed  # required for the feature
  backoffLimitPerIndex: 1  # maximal number of failures per index
  maxFailedIndexes: 5      # maximal number of failed indexes before terminating the Job execution
  template:
    spec:
      restartPolicy: Never # required for the feature
      containers:
      - name: example
        image: busybox:1.36
        command: ["sh", "-c", "echo Hello world; sleep 2; exit 1"]
EOF
sleep 6
kubectl get pods
kubectl get job job-backoff-limit-per-index-example -o jsonpath='{.status.failedIndexes}{"\n"}'
sleep 12
kubectl get jobs
kubectl get pods -l batch.kubernetes.io/job-completion-index=0 -o yaml | grep -E '^    name: |job-index-failure-count'
kubectl get job job-backoff-limit-per-index-example -o jsonpath='{.status.failedIndexes}{"\n"}'
sleep 30
kubectl get jobs
kubectl get pods
kubectl get job job-backoff-limit-per-index-example -o jsonpath='{.status.failedIndexes}{"\n"}'
kubectl describe job job-backoff-limit-per-index-example
# FailIndex: exit code 42 fails the pod's index at once, without using its retries; once every
# index has succeeded or failed, the Job fails with FailedIndexes.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: fail-index
spec:
  completions: 3
  parallelism: 3
  completionMode: Indexed
  backoffLimitPerIndex: 2
  podFailurePolicy:
    rules:
    - action: FailIndex
      onExitCodes:
        operator: In
        values: [42]
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "sleep 1; exit 42"]
EOF
sleep 10
kubectl get jobs fail-index
kubectl get pods -l job-name=fail-index
kubectl get job fail-index -o jsonpath='{.status.failedIndexes} {.status.conditions[1].reason}: {.status.conditions[1].message}{"\n"}'
# What the API server rejects.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: restarts
spec:
  podFailurePolicy:
    rules:
    - action: FailIndex
      onExitCodes:
        operator: In
        values: [42]
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: main
        image: busybox:1.36
EOF
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: not-indexed
spec:
  backoffLimitPerIndex: 1
  maxFailedIndexes: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
EOF
