# `kubectl scale --dry-run`: a client dry run prints what it read and sends nothing; a server
# dry run is validated by the API server and not stored; `-o` prints the object as read.
kubectl create deployment web --image=nginx
kubectl rollout status deployment/web
kubectl scale deployment web --replicas=3 --dry-run=client
kubectl scale deployment web --replicas=3 --dry-run=server
kubectl scale deployment web --replicas=3 --dry-run=client --current-replicas=7
kubectl scale deployment web --replicas=3 --dry-run=server --current-replicas=7
kubectl scale deployment web --replicas=3 --dry-run=bogus
kubectl get deployment web
kubectl scale deployment web --replicas=2 -o jsonpath='{.spec.replicas}{"\n"}'
kubectl scale deployment web --replicas=4 -o name
kubectl get deployment web
