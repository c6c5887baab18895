# kubectl exec: stdout, stderr, exit codes, stdin with -i (a lone shell reads its script
# from it), the default container, TYPE/NAME, and the errors of a container that is not
# valid, a program the image lacks, a pod without a node, and a pod that does not exist. (A
# command writing to both streams is tested in crates/cli/tests/serve_exec_apply.rs: the
# real kubectl copies the two concurrently, so their order between them is not fixed.)
kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
      - name: tools
        image: busybox:1.36
        command: [sleep, "3600"]
EOF
sleep 30
POD=$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
kubectl exec $POD -c nginx -- cat /etc/hostname
kubectl exec deployment/web -- ls /usr/share/nginx/html
kubectl exec $POD -c tools -- sh -c 'echo to stderr >&2; exit 3'
echo "exit status $?"
printf 'one\ntwo\nthree\n' | kubectl exec -i $POD -c tools -- wc -l
kubectl exec -i $POD -c tools -- sh <<'EOF'
echo "running in $(hostname)"
ls / | head -3
EOF
kubectl exec $POD -c sidecar -- ls
kubectl exec $POD -c tools -- curl http://localhost
kubectl exec ghost -- ls
kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
  - name: app
    image: busybox:1.36
    resources:
      requests: {cpu: "500"}
EOF
sleep 5
kubectl exec huge -- ls
