# Classes 5 and 6: what kubectl refuses before the server sees anything, in its words.
cat <<'Y' > three-part.yaml
apiVersion: apps/v1/beta
kind: Deployment
metadata:
  name: x
Y
kubectl apply -f three-part.yaml
kubectl apply -f three-part.yaml --validate=false
cat <<'Y' > list.yaml
- apiVersion: v1
  kind: Pod
Y
kubectl apply -f list.yaml
kubectl create -f list.yaml --validate=false
echo just-a-string > scalar.yaml
kubectl apply -f scalar.yaml
cat <<'Y' > label-list.yaml
apiVersion: v1
kind: Pod
metadata:
  name: x
  labels:
  - app
spec:
  containers:
  - name: app
    image: nginx
Y
kubectl apply -f label-list.yaml
kubectl run x --image=nginx --restart=Bogus
kubectl run x --image=nginx -o table
kubectl create deployment x --image=nginx -o table
kubectl get pods -o table
kubectl delete pod x --all
kubectl delete pod x -l app=x
kubectl delete pods --all -l app=x
kubectl scale
kubectl scale --replicas=2
kubectl scale deployment x --replicas=two
kubectl get deployments.bogus.io
kubectl logs missing
kubectl get pods
