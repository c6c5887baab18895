# kubeplay: --cluster tests/golden/kind-config.yaml --seed 5
# A cluster shaped by a kind config file; nodeSelector picks a labelled worker.
kubectl get nodes --show-labels
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: front
spec:
  replicas: 3
  selector:
    matchLabels:
      app: front
  template:
    metadata:
      labels:
        app: front
    spec:
      nodeSelector:
        tier: frontend
      containers:
      - name: web
        image: nginx
EOF
kubectl rollout status deployment/front
kubectl get pods -o wide
kubectl wait --for=condition=Available deployment/front --timeout=30s
kubectl wait --for=condition=Ready pod -l app=front
kubectl delete deployment front
kubectl wait --for=delete pod -l app=front --timeout=60s
