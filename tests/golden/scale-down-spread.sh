# kubeplay: --cluster kind-multi --seed 3
# A scale-down on evenly filled nodes: the workers tie on related pods, so the newest
# Ready pods go first, by logarithmic age bucket and then UID (ActivePodsWithRanks).
kubectl create deployment web --image=nginx:1.27 --replicas=12
sleep 60
kubectl set image deployment/web nginx=nginx:1.28
sleep 90
kubectl get pods -o wide
kubectl scale deployment web --replicas=5
sleep 40
kubectl get pods -o wide
kubectl get rs
