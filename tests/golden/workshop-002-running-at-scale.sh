# Commands of shared/workshop/002 ("Running at Scale"). The page assumes the `dev`
# namespace and a 1-replica `demo` Deployment from an earlier chapter; we create them first.
kubectl create namespace dev
cat <<EOF | kubectl -n dev apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: demo
  name: demo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
      - name: demo
        image: demo:1.0.0
        env:
        - name: GREETING
          value: Hi from
EOF
kubectl -n dev rollout status deployment/demo
sleep 3m
kubectl -n kube-system get deployments
kubectl -n kube-system describe deployment coredns
kubectl -n kube-system get deployments,replicasets,pods -l k8s-app=kube-dns
kubectl -n kube-system get deployments,replicasets,pods -l k8s-app=kube-dns -o wide
cat <<EOF | tee ~/environment/005-demo-deployment.yaml | kubectl -n dev apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: demo
  name: demo
spec:
  replicas: 3                    # scale-out: https://12factor.net/concurrency
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
      - name: demo
        image: demo:1.0.0
        env:
        - name: GREETING
          value: Hi from
EOF
kubectl -n dev get deployments,replicasets,pods
sleep 30
kubectl -n dev get deployments,replicasets,pods
kubectl -n dev exec deployment/demo -it -- curl http://localhost:80
kubectl -n dev exec deployment/demo -it -- curl http://localhost:80
cat ~/environment/005-demo-deployment.yaml | head -3
kubectl -n dev apply -f ~/environment/005-demo-deployment.yaml
