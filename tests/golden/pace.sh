# kubeplay: --cluster tests/golden/kind-ten-workers.yaml --seed 9
# The pace of a big scale-up: the ReplicaSet controller's client sends 30 creates at once,
# then 20 a second (kube-controller-manager's --kube-api-burst and --kube-api-qps), in
# syncs of at most 500 pods; the garbage collector deletes at the same pace.
kubectl create deployment web --image=nginx --replicas=1
kubectl rollout status deployment/web | tail -2
kubectl scale deployment web --replicas=1000
kubectl get deployment web
sleep 1
kubectl get deployment web
sleep 9
kubectl get deployment web
sleep 20
kubectl get deployment web
kubectl rollout status deployment/web | tail -2
kubectl get deployment web
kubectl describe replicaset | grep -A4 Events
kubectl delete deployment web
sleep 10
kubectl get pods --no-headers | wc -l
sleep 60
kubectl get pods --no-headers | wc -l
