# A rollout whose new pods never become ready: the new version's readiness probe looks for
# a file its script no longer writes. The rollout stalls with one surge pod at 0/1 until
# progressDeadlineSeconds (600 s) passes; rollout status then fails, and rollout undo
# recovers.
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: busybox:1.36
        args: ["sh", "-c", "touch /tmp/ready; sleep infinity"]
        readinessProbe:
          exec:
            command: ["cat", "/tmp/ready"]
          periodSeconds: 5
EOF
kubectl rollout status deployment/web
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: busybox:1.37
        args: ["sh", "-c", "sleep infinity"]
        readinessProbe:
          exec:
            command: ["cat", "/tmp/ready"]
          periodSeconds: 5
EOF
sleep 60
kubectl get deployment web
kubectl get pods
kubectl describe pods -l app=web | grep Unhealthy
kubectl rollout status deployment/web
kubectl get deployment web
kubectl describe deployment web | sed -n '/^Conditions/,/^OldReplicaSets/p'
kubectl rollout undo deployment/web
kubectl rollout status deployment/web
kubectl get deployment web
kubectl describe deployment web | sed -n '/^Conditions/,/^OldReplicaSets/p'
