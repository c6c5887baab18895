# Garbage collection: background, foreground and orphan deletion, and re-adoption.
kubectl create deployment web --image=nginx --replicas=2
kubectl rollout status deployment/web
kubectl delete deployment web --cascade=orphan
kubectl get deploy,rs,pods
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
EOF
sleep 5
kubectl get deploy,rs,pods
kubectl delete deployment web --cascade=foreground
kubectl get deploy,rs,pods
kubectl create deployment api --image=httpd --replicas=2
kubectl rollout status deployment/api
kubectl delete deployment api
kubectl get rs,pods
sleep 40
kubectl get rs,pods
kubectl run lonely --image=nginx
sleep 5
kubectl delete pod lonely
kubectl get pods
