# kubeplay: --cluster kind-multi --seed 3
# A worker's kubelet stops: NotReady after the 50 s grace period, unreachable taints, pods
# evicted 300 s after the taint (replaced elsewhere; the StatefulSet's pod waits), then the
# node comes back; a node is removed (pods collected) and a new worker joins.
kubectl create deployment web --image=nginx:1.27 --replicas=3
cat <<EOF2 | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: redis
        image: redis:7.2
EOF2
kubectl rollout status deployment/web
kubectl rollout status statefulset/db
kubectl get pods -o wide
kubeplay node stop kind-worker2
sleep 45
kubectl get nodes
sleep 15
kubectl get nodes
kubectl describe node kind-worker2 | sed -n '/^Taints/,/^Conditions/p'
kubectl get pods -o wide
kubectl describe pod -l app=web | grep -E '^(Name|Node|Status):|^  Ready|NodeNotReady'
sleep 240
kubectl get pods -o wide
sleep 60
kubectl get pods -o wide
kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=kind-worker2
kubectl get events --field-selector reason=TaintManagerEviction
kubeplay node start kind-worker2
sleep 10
kubectl get nodes
kubectl get pods -o wide
kubectl get events --field-selector involvedObject.name=kind-worker2
kubeplay node remove kind-worker3
kubectl get nodes
sleep 30
kubectl get pods -o wide
sleep 30
kubectl get pods -o wide
kubeplay node add
sleep 5
kubectl get nodes
sleep 10
kubectl get nodes -o wide
kubectl get ds -n kube-system
kubeplay node stop kind-worker9
kubeplay node start kind-worker
kubeplay node stop kind-worker
kubeplay node stop kind-worker
kubeplay node frobnicate
