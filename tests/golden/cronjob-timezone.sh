# kubeplay: --start 2025-10-25T23:00:00Z
# CronJob spec.timeZone: the schedule is read on Berlin's wall clock. The night starts at
# 01:00 CEST; at 03:00 CEST clocks go back to 02:00 CET, so 02:30 happens twice and robfig's
# schedule (and so Kubernetes) runs the job twice. Job names count minutes since the epoch.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "30 2 * * *"
  timeZone: Europe/Berlin
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: report
            image: busybox:1.28
            command: ["sh", "-c", "date; echo nightly report"]
          restartPolicy: OnFailure
EOF
kubectl get cronjob nightly
sleep 3h
kubectl get jobs
kubectl get job nightly-29357310 -o jsonpath='{.metadata.annotations}{"\n"}'
kubectl get job nightly-29357370 -o jsonpath='{.metadata.annotations}{"\n"}'
kubectl logs job/nightly-29357370
kubectl get cronjob nightly
kubectl get cronjob nightly -o jsonpath='{.status.lastScheduleTime}{"\n"}'
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nowhere
spec:
  schedule: "0 9 * * *"
  timeZone: Europe/Nowhere
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: x
            image: busybox:1.28
          restartPolicy: Never
EOF
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: inline
spec:
  schedule: "CRON_TZ=Europe/Berlin 0 9 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: x
            image: busybox:1.28
          restartPolicy: Never
EOF
