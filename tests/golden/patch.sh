# kubectl patch: strategic merge (containers by name), JSON merge, JSON Patch, the status
# subresource, unchanged objects, dry runs, and the errors of each patch type.
kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
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
sleep 10
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'
kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[*].image}{"\n"}'
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'
kubectl patch deployment web --type=merge -p '{"metadata":{"labels":{"tier":"front"}}}'
kubectl patch deployment/web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":3}]'
kubectl patch deployment web -p 'spec: {replicas: 1}' --dry-run=server
sleep 10
kubectl get deployment web --show-labels
kubectl patch deployment web --type=json -p '[{"op":"remove","path":"/spec/paused"}]'
kubectl patch deployment web --type=merge -p '{"spec":{"replicas":-1}}'
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"image":"nginx"}]}}}}'
kubectl patch deployment web --type=xml -p '{}'
kubectl patch deployment web
kubectl patch deployment nope -p '{"spec":{"replicas":1}}'
kubectl patch deployment web -p '{"spec":{"bogus":1}}'
kubectl patch pod $(kubectl get pods -o name | head -1 | cut -d/ -f2) --subresource=status --type=merge -p '{"status":{"message":"patched"}}'
kubectl get pods -o jsonpath="{.items[0].status.message}{\"\\n\"}"
