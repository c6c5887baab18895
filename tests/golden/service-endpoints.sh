# kubeplay: --cluster kind-multi --seed 2
# A Service's endpoints follow its pods' readiness: a failing readiness probe takes a pod out.
kubectl get endpoints
kubectl get ep -A
cat <<YAML | kubectl apply -f -
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
      - name: nginx
        image: nginx:1.27
        ports:
        - name: http
          containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
          periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 8080
    targetPort: http
YAML
kubectl rollout status deployment/web
kubectl get endpoints web
kubectl describe service web
kubeplay pod fail-probe $(kubectl get pods -l app=web -o name | head -1)
sleep 20
kubectl get pods -l app=web
kubectl get endpoints web
kubectl describe svc web | grep Endpoints
kubectl get endpoints web -o yaml
