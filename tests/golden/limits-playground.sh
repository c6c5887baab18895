# The playground's own caps: at most 1000 nodes (kubeplay node add beyond it is refused).
for i in $(seq 999); do kubeplay node add > /dev/null; done
kubectl get nodes --no-headers | wc -l
kubeplay node add
kubectl get nodes --no-headers | wc -l
# At most 100000 replicas per Deployment, ReplicaSet or StatefulSet, on apply and on scale.
kubectl create deployment web --image=nginx --replicas=100001
kubectl create deployment web --image=nginx --replicas=2
kubectl scale deployment web --replicas=200000
kubectl get deployment web
cat <<'Y' | kubectl apply -f -
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: many
spec:
  replicas: 500000
  selector:
    matchLabels:
      app: many
  template:
    metadata:
      labels:
        app: many
    spec:
      containers:
      - name: app
        image: nginx
Y
