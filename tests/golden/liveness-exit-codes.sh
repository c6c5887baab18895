# How a container killed by its liveness probe ends depends on how its main process treats
# the stop signal (issue 18.7), following the kubernetes.io task "Configure Liveness,
# Readiness and Startup Probes" (liveness-exec and liveness-http examples).
# The kubelet kills with the image's STOPSIGNAL (SIGTERM by default) and SIGKILLs after the
# grace period (killContainer in pkg/kubelet/kuberuntime/kuberuntime_container.go, v1.33);
# the kernel does not apply a default action to PID 1 of a PID namespace, so a PID 1
# without a handler ignores SIGTERM.
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox:1.27.2
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
---
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    livenessProbe:
      httpGet:
        path: /
        port: 80
EOF2
sleep 25
# agnhost is a Go program without a SIGTERM handler: the Go runtime re-raises the signal,
# which PID 1 ignores, and exits with status 2 (dieFromSignal in runtime/signal_unix.go).
kubectl get pod liveness-http
kubectl describe pod liveness-http | sed -n '/^    State:/,/^    Restart Count:/p'
# nginx handles its stop signal (SIGQUIT, graceful shutdown) and exits 0: Completed.
kubeplay pod fail-probe web --probe liveness
sleep 40
kubectl describe pod web | sed -n '/^    State:/,/^    Restart Count:/p'
kubeplay pod fix-probe web --probe liveness
# The busybox shell of liveness-exec installs no SIGTERM handler: it runs on until the
# kubelet SIGKILLs it after the 30 s grace period, exit code 137 (128 + 9).
sleep 50
kubectl get pod liveness-exec
kubectl describe pod liveness-exec | sed -n '/^    State:/,/^    Restart Count:/p'
kubectl describe pod liveness-exec | grep -E 'Unhealthy|Killing'
