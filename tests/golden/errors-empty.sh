# Class 4: an empty manifest, or one of only comments, passes no objects.
: > empty.yaml
cat <<'Y' > comments.yaml
# nothing here yet
---
# nor here
Y
kubectl apply -f empty.yaml
kubectl apply -f comments.yaml
kubectl create -f empty.yaml
kubectl create -f comments.yaml
kubectl delete -f empty.yaml
kubectl scale -f comments.yaml --replicas=2
echo "exit $?"
