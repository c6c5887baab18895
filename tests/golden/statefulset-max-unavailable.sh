# kubeplay: --cluster tests/golden/kind-max-unavailable.yaml
# With kind's featureGates turning on the alpha MaxUnavailableStatefulSet gate, the API server
# keeps (and defaults to 1) updateStrategy.rollingUpdate.maxUnavailable, and the controller
# replaces that many pods at once, highest ordinals first.
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 5
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
EOF
kubectl rollout status statefulset/web
kubectl get statefulset web -o jsonpath='{.spec.updateStrategy}{"\n"}'
kubectl describe statefulset web | head -12
kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27
sleep 1
kubectl get pods -l app=nginx
kubectl rollout status statefulset/web
kubectl get pods -l app=nginx -o jsonpath='{.items[*].spec.containers[0].image}{"\n"}'
kubectl get events --field-selector involvedObject.kind=StatefulSet,reason=SuccessfulDelete
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: plain
spec:
  replicas: 1
  selector:
    matchLabels:
      app: plain
  template:
    metadata:
      labels:
        app: plain
    spec:
      containers:
      - name: app
        image: nginx:1.27
EOF
kubectl get statefulset plain -o jsonpath='{.spec.updateStrategy}{"\n"}'
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zero
spec:
  replicas: 2
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 0
  selector:
    matchLabels:
      app: zero
  template:
    metadata:
      labels:
        app: zero
    spec:
      containers:
      - name: app
        image: nginx:1.27
EOF
