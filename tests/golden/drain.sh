# kubeplay: --cluster kind-multi --seed 3
# Node maintenance: cordon, drain (DaemonSet pods, bare pods, PodDisruptionBudgets),
# uncordon, and taints with each effect.
kubectl create deployment web --image=nginx:1.27 --replicas=3
kubectl rollout status deployment/web
kubectl run bare --image=nginx:1.27
sleep 10
kubectl get pods -o wide
kubectl cordon kind-worker3
kubectl cordon kind-worker3
kubectl get nodes
kubectl uncordon kind-worker3
kubectl drain kind-worker
kubectl get nodes
kubectl drain kind-worker --ignore-daemonsets
kubectl drain kind-worker --ignore-daemonsets --force
kubectl get pods -o wide
kubectl describe node kind-worker | sed -n '/^Taints/,/^Lease/p'
kubectl uncordon kind-worker
cat <<EOF2 | kubectl apply -f -
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  minAvailable: 3
  selector:
    matchLabels:
      app: web
EOF2
kubectl get pdb
kubectl drain kind-worker2 --ignore-daemonsets --timeout=12s
kubectl get pdb web-pdb -o jsonpath='{.status.currentHealthy} {.status.desiredHealthy} {.status.disruptionsAllowed}{"\n"}'
cat <<EOF2 | kubectl apply -f -
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: web
EOF2
kubectl get pdb
kubectl drain kind-worker2 --ignore-daemonsets
kubectl get pdb
kubectl get pods -o wide
sleep 10
kubectl get pdb
kubectl describe pdb web-pdb
kubectl uncordon kind-worker2
kubectl taint nodes kind-worker3 dedicated=db:NoSchedule
kubectl taint nodes kind-worker3 dedicated=db:NoSchedule
kubectl taint nodes kind-worker3 dedicated=web:NoSchedule --overwrite
kubectl describe node kind-worker3 | grep Taints
kubectl taint nodes kind-worker3 dedicated:NoSchedule-
kubectl taint nodes kind-worker3 dedicated:NoSchedule-
kubectl taint nodes kind-worker3 dedicated=db:Sometimes
kubectl taint nodes kind-worker3
kubectl taint deployment web a=b:NoSchedule
kubectl taint nodes kind-worker3 maintenance=now:NoExecute
sleep 5
kubectl get pods -o wide
kubectl get events --field-selector reason=TaintManagerEviction
kubectl taint nodes kind-worker3 maintenance-
kubectl drain no-such-node
cat <<EOF2 | kubectl apply -f -
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: both
spec:
  minAvailable: 1
  maxUnavailable: 150%
  selector:
    matchLabels:
      app: web
EOF2
