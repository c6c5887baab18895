# Class 1: input the API server refuses is refused, not stored.
cat <<'Y' > bad-quantity.yaml
apiVersion: v1
kind: Pod
metadata:
  name: greedy
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests:
        memory: 1Gb
Y
kubectl apply -f bad-quantity.yaml
sed 's/1Gb/32MMi/' bad-quantity.yaml > bad-suffix.yaml
kubectl apply -f bad-suffix.yaml
cat <<'Y' > partition.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: -1
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: nginx
Y
kubectl apply -f partition.yaml
sed 's/type: RollingUpdate/type: Sometimes/' partition.yaml > strategy.yaml
kubectl apply -f strategy.yaml
cat <<'Y' > generate-name.yaml
apiVersion: v1
kind: Pod
metadata:
  generateName: worker-
spec:
  containers:
  - name: app
    image: nginx
Y
kubectl apply -f generate-name.yaml
sed 's/generateName: worker-/labels: {}/' generate-name.yaml > no-name.yaml
kubectl apply -f no-name.yaml
kubectl create -f no-name.yaml
kubectl get pods,statefulsets
