# kubeplay: --cluster kind-multi --seed 7
# A rolling update, its history, a rollback, pause/resume, restart and scaling mid-rollout.
kubectl create deployment web --image=nginx:1.27 --replicas=4
kubectl rollout status deployment/web
kubectl get pods -o wide
kubectl set image deployment/web nginx=nginx:1.28
kubectl rollout status deployment/web
kubectl get rs
kubectl rollout history deployment/web
kubectl annotate deployment/web kubernetes.io/change-cause="move to 1.29"
kubectl set image deployment/web nginx=nginx:1.29
kubectl rollout status deployment/web --timeout=2m
kubectl rollout history deployment/web
kubectl rollout undo deployment/web
kubectl rollout status deployment/web
kubectl rollout history deployment/web
kubectl rollout undo deployment/web --to-revision=9
kubectl rollout pause deployment/web
kubectl rollout pause deployment/web
kubectl set image deployment/web nginx=nginx:1.27
kubectl get rs
kubectl rollout undo deployment/web
kubectl rollout restart deployment/web
kubectl rollout resume deployment/web
kubectl rollout status deployment/web
kubectl scale deployment web --replicas=10
kubectl set image deployment/web nginx=nginx:1.28
sleep 2
kubectl scale deployment web --replicas=5
kubectl get rs
kubectl rollout status deployment/web
kubectl get deployment web
kubectl rollout restart deployment/web
kubectl rollout status deployment/web -w=false
kubectl get events --field-selector involvedObject.kind=Deployment | tail -4
