# Jobs as the kubernetes.io "Running an example Job" task shows them, plus failures.
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
EOF
kubectl get jobs
kubectl wait --for=condition=complete job/pi --timeout=120s
kubectl get jobs
kubectl describe job pi
pods=$(kubectl get pods --selector=batch.kubernetes.io/job-name=pi --output=jsonpath='{.items[*].metadata.name}')
echo $pods
kubectl get pods --selector=batch.kubernetes.io/job-name=pi
kubectl logs $pods | cut -c1-60
kubectl create job hello --image=busybox:1.36 -- sh -c "echo hello; sleep 3"
kubectl wait --for=condition=complete job/hello
kubectl logs job/hello
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: fails
spec:
  backoffLimit: 2
  template:
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "echo trying; exit 3"]
      restartPolicy: Never
EOF
sleep 90
kubectl get jobs fails
kubectl get pods -l job-name=fails
kubectl get events --field-selector involvedObject.name=fails
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: batch
spec:
  completions: 5
  parallelism: 2
  template:
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "echo working; sleep 5"]
      restartPolicy: OnFailure
EOF
sleep 8
kubectl get job batch
kubectl get pods -l job-name=batch
sleep 20
kubectl get job batch
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: slow
spec:
  activeDeadlineSeconds: 10
  template:
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "sleep 600"]
      restartPolicy: Never
EOF
sleep 15
kubectl get job slow
kubectl describe job slow | tail -5
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: bad
spec:
  template:
    spec:
      containers:
      - name: worker
        image: busybox:1.36
EOF
cat <<'EOF' | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: indexed
spec:
  completions: 4
  parallelism: 2
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "echo processing my index; sleep 2"]
EOF
sleep 3
kubectl get pods -l job-name=indexed -L batch.kubernetes.io/job-completion-index
sleep 10
kubectl get job indexed -o jsonpath='{.status.completedIndexes}{"\n"}'
kubectl describe job indexed | grep -E 'Completion Mode|Completed Indexes'
kubectl delete job pi
kubectl get pods -l job-name=pi
