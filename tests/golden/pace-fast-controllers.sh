# kubeplay: --cluster tests/golden/kind-fast-controllers.yaml --seed 9
# kind's kubeadmConfigPatches raise the controller manager's client limits
# (kube-api-qps 200, kube-api-burst 300): the same scale-up goes ten times as fast.
kubectl create deployment web --image=nginx --replicas=1
kubectl rollout status deployment/web | tail -1
kubectl scale deployment web --replicas=1000
kubectl get deployment web
sleep 1
kubectl get deployment web
sleep 2
kubectl get deployment web
kubectl rollout status deployment/web | tail -1
kubectl get deployment web
