# kubectl apply --server-side: field managers, conflicts (one and several), --force-conflicts,
# shared ownership, fields a manager stops applying, keyed lists merged item by item,
# conflicts with client-side apply and with `scale`, and
# --show-managed-fields.
kubectl apply --server-side -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: shop}
data:
  mode: fast
  level: "1"
EOF
kubectl apply --server-side --field-manager=tuner -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
  level: "2"
EOF
kubectl apply --server-side --field-manager=tuner -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: slow
  level: "2"
EOF
sleep 5
kubectl apply --server-side --field-manager=tuner --force-conflicts -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
  level: "2"
EOF
kubectl get configmap settings -o yaml --show-managed-fields
kubectl apply --server-side -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  extra: "yes"
EOF
kubectl get configmap settings -o jsonpath='{.metadata.labels} {.data}{"\n"}'
kubectl apply --server-side -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
EOF
kubectl apply --server-side --field-manager=injector -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: log
        image: busybox:1.36
        command: [sleep, "3600"]
EOF
sleep 10
kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[*].name}{"\n"}'
kubectl get pods
kubectl apply --server-side --field-manager=autoscaler --dry-run=server -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
EOF
kubectl apply --force-conflicts -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
EOF
kubectl apply --server-side --dry-run=client -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
EOF
kubectl apply -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: legacy
data:
  owner: client-side
EOF
kubectl apply --server-side -f - <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: legacy
data:
  owner: server-side
EOF
kubectl scale deployment web --replicas=3
kubectl apply --server-side -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
EOF
