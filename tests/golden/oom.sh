# The kubernetes.io task "Assign Memory Resources to Containers and Pods": stress within
# its memory limit runs; stress allocating 250M under a 100Mi limit is OOM-killed (exit
# code 137) and restarted with back-off.
kubectl create namespace mem-example
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: memory-demo
  namespace: mem-example
spec:
  containers:
  - name: memory-demo-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "100Mi"
      limits:
        memory: "200Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]
EOF
sleep 10
kubectl get pod memory-demo --namespace=mem-example
kubectl logs memory-demo --namespace=mem-example
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: memory-demo-2
  namespace: mem-example
spec:
  containers:
  - name: memory-demo-2-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "100Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
EOF
sleep 4
kubectl get pod memory-demo-2 --namespace=mem-example
sleep 20
kubectl get pod memory-demo-2 --namespace=mem-example
kubectl get pod memory-demo-2 --namespace=mem-example -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}{"\n"}'
kubectl describe pod memory-demo-2 --namespace=mem-example | sed -n '/^Containers/,/^    Ready/p'
kubectl describe pod memory-demo-2 --namespace=mem-example | sed -n '/^Events/,$p'
kubectl logs memory-demo-2 --namespace=mem-example --previous
kubectl delete namespace mem-example
