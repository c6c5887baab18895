# kubeplay: --seed 44
# The kubernetes.io "HorizontalPodAutoscaler Walkthrough" on a kind cluster, which runs no
# metrics-server: the HPA is created and keeps the replica count within its bounds, but
# cannot read CPU usage, so TARGETS stays <unknown> and the controller says why.
cat > php-apache.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
YAML
kubectl apply -f php-apache.yaml
kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10
kubectl get hpa
sleep 20
kubectl get hpa
kubectl top pods
kubectl describe hpa php-apache
kubectl get hpa php-apache -o yaml
sleep 60
kubectl get events --field-selector involvedObject.kind=HorizontalPodAutoscaler
# An HPA whose minimum is above the current count scales the target up without metrics.
kubectl create deployment web --image=nginx:1.27
kubectl autoscale deployment web --min=3 --max=5 --name=web-hpa
kubectl autoscale deployment web --max=2 --dry-run=client -o yaml
sleep 16
kubectl get hpa web-hpa
kubectl get deployment web
kubectl describe hpa web-hpa | tail -4
# Mistakes.
kubectl autoscale deployment web
kubectl autoscale deployment web --max=0
kubectl autoscale deployment web --min=4 --max=2
kubectl autoscale pod nope --max=2
kubectl autoscale daemonset kindnet -n kube-system --max=2
kubectl autoscale deployment web --max=3 --name=web-hpa
kubectl delete hpa php-apache web-hpa
