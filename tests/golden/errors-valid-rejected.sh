# Class 2: valid input is accepted; --validate does what v1.33 does.
cat <<'Y' > surge.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: surge
spec:
  replicas: 2
  strategy:
    rollingUpdate:
      maxSurge: 200%
      maxUnavailable: 0
  selector:
    matchLabels:
      app: surge
  template:
    metadata:
      labels:
        app: surge
    spec:
      containers:
      - name: app
        image: nginx
Y
kubectl apply -f surge.yaml
sed -e 's/maxSurge: 200%/maxSurge: 1/' -e 's/maxUnavailable: 0/maxUnavailable: 150%/' -e 's/name: surge/name: unavailable/' surge.yaml > unavailable.yaml
kubectl apply -f unavailable.yaml
cat <<'Y' > unknown.yaml
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: nginx
    imagePullPolcy: Always
Y
kubectl apply -f unknown.yaml
kubectl apply -f unknown.yaml --validate=true
kubectl apply -f unknown.yaml --validate=strict
kubectl apply -f unknown.yaml --validate=warn
kubectl delete pod typo --now
kubectl apply -f unknown.yaml --validate=false
kubectl delete pod typo --now
kubectl create -f unknown.yaml --validate=ignore
kubectl apply -f unknown.yaml --validate=maybe
kubectl get deployments,pods
