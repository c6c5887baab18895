# CronJobs as the kubernetes.io "Running Automated Tasks with a CronJob" task shows them.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
EOF
kubectl get cronjob hello
sleep 70
kubectl get jobs
kubectl get cronjob hello
job=$(kubectl get jobs --output=jsonpath={.items[0].metadata.name})
pods=$(kubectl get pods --selector=batch.kubernetes.io/job-name=$job --output=jsonpath={.items[*].metadata.name})
kubectl logs $pods
sleep 5m
kubectl get jobs
kubectl describe cronjob hello | tail -8
kubectl create job hello-manual --from=cronjob/hello
kubectl get job hello-manual -o jsonpath='{.metadata.annotations}{"\n"}'
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: exclusive
spec:
  schedule: "*/2 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: long
            image: busybox:1.36
            command: ["sh", "-c", "sleep 300"]
          restartPolicy: Never
EOF
sleep 7m
kubectl get cronjob exclusive
kubectl get jobs -l job-name --no-headers | grep exclusive
kubectl get events --field-selector involvedObject.name=exclusive,reason=JobAlreadyActive
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: bad
spec:
  schedule: "0 0 * * 7"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: x
            image: busybox:1.36
          restartPolicy: Never
EOF
kubectl delete cronjob hello
kubectl get jobs -l job-name=hello-manual
