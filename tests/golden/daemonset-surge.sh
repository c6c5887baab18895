# kubeplay: --cluster kind-multi --seed 4
# DaemonSet rolling updates with maxSurge: the new pod starts beside the old one, which goes
# once the new one is available; maxSurge and maxUnavailable are exclusive.
cat <<EOF2 | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: nginx:1.27
EOF2
cat <<EOF2 | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: nginx:1.27
EOF2
cat <<EOF2 | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  minReadySeconds: 5
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: nginx:1.27
EOF2
kubectl rollout status ds/agent
kubectl get ds agent -o wide
kubectl set image ds/agent agent=nginx:1.28
sleep 3
kubectl get pods -l app=agent -o wide
kubectl get ds agent
kubectl rollout status ds/agent
kubectl get pods -l app=agent -o wide
kubectl rollout history ds/agent
kubectl get events --field-selector involvedObject.name=agent | head -12
