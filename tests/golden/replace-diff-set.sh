# kubeplay: --seed 33
# Changing live objects the imperative way: diff before apply, replace (and --force),
# set env / set resources, and the commands that answer about the cluster and the user.
cat > web.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
YAML
kubectl diff -f web.yaml > plan.diff
echo "diff exit status: $?"
head -8 plan.diff
kubectl apply -f web.yaml
kubectl rollout status deployment/web
kubectl diff -f web.yaml
echo "diff exit status: $?"
sed -i 's/replicas: 2/replicas: 3/; s/nginx:1.27/nginx:1.28/' web.yaml
kubectl diff -f web.yaml
echo "diff exit status: $?"
kubectl diff -f missing.yaml
echo "diff exit status: $?"
# replace sends the whole object; --force deletes and re-creates it.
kubectl replace -f web.yaml
kubectl rollout status deployment/web
kubectl get deployment web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}{"\n"}'
kubectl replace --force -f web.yaml
kubectl get deployment web -o jsonpath='{.metadata.generation}{"\n"}'
sed 's/name: web/name: other/' web.yaml > other.yaml
kubectl replace -f other.yaml
# set env and set resources start a rollout like any template change.
kubectl set env deployment/web GREETING=hello MODE=dev
kubectl set env deployment/web --list
kubectl set env deployment/web MODE-
kubectl create configmap app-settings --from-literal=log-level=debug --from-literal=region=eu
kubectl set env deployment/web --from=configmap/app-settings
kubectl set env deployment/web --list
kubectl set resources deployment web --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi
kubectl set resources deployment web -c=nope --limits=cpu=1
kubectl rollout status deployment/web
kubectl rollout history deployment/web
kubectl get pods -o custom-columns=NAME:.metadata.name,ENV:.spec.containers[0].env[*].name,CPU:.spec.containers[0].resources.limits.cpu
kubectl set env deployment/web --local A=1
kubectl set env -f web.yaml --local A=1 -o jsonpath='{.spec.template.spec.containers[0].env}{"\n"}'
# Questions about the cluster and the user.
kubectl api-versions
kubectl auth can-i create deployments
kubectl auth can-i delete nodes --all-namespaces
kubectl auth can-i '*' '*'
kubectl auth can-i get widgets
kubectl auth can-i --list
kubectl auth whoami
kubectl top nodes
kubectl top pod
kubectl expose deployment web --port=80
kubectl port-forward svc/web 8080:80
kubectl port-forward web 8080
kubectl port-forward deployment/nope 8080:80
