# Probes: a readiness probe made to fail and recover with the playground's knob, a liveness
# probe that fails until the container is restarted, and the liveness-exec and
# liveness-http examples of the kubernetes.io task "Configure Liveness, Readiness and
# Startup Probes".
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80
      name: http
    readinessProbe:
      httpGet:
        path: /
        port: http
    livenessProbe:
      tcpSocket:
        port: 80
      initialDelaySeconds: 5
EOF
sleep 15
kubectl get pod web
kubeplay pod fail-probe web
sleep 30
kubectl get pod web
kubectl describe pod web | sed -n '/^Conditions/,/^Volumes/p'
kubectl describe pod web | tail -3
kubeplay pod fix-probe web --probe readiness
sleep 10
kubectl get pod web
kubeplay pod fail-probe web --probe liveness
sleep 40
kubectl get pod web
kubectl describe pod web | tail -4
kubeplay pod fail-probe web --probe startup
kubeplay pod fail-probe web -c sidecar
kubeplay pod fail-probe nope
kubeplay pod fix-probe web --probe liveness
sleep 60
kubectl get pod web
cat <<'EOF' | kubectl apply -f -
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
EOF
sleep 25
kubectl describe pod liveness-exec | tail -7
sleep 25
kubectl describe pod liveness-exec | tail -9
sleep 35
kubectl get pod liveness-exec
cat <<'EOF' | kubectl apply -f -
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
EOF
sleep 25
kubectl describe pod liveness-http | sed -n '/^Events/,$p'
kubectl get pod liveness-http
