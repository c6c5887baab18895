# kubeplay: --cluster kind --seed 33
# One revision's pod template, following "Checking Rollout History of a Deployment" in
# https://kubernetes.io/docs/concepts/workloads/controllers/deployment/ and the StatefulSet
# update strategies of https://kubernetes.io/docs/tutorials/stateful-application/basic-stateful-set/ .
# kubectl prints it with printTemplate (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
# history.go, v1.33): DescribePodTemplate through a plain prefix writer, so the tabs are not
# aligned; a Deployment's revision is its ReplicaSet's template as stored (pod-template-hash
# included) with the ReplicaSet's change-cause added to its annotations.
kubectl create deployment nginx-deployment --image=nginx:1.14.2 --replicas=3
kubectl rollout status deployment/nginx-deployment
kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1
kubectl annotate deployment/nginx-deployment kubernetes.io/change-cause="image updated to 1.16.1"
kubectl rollout status deployment/nginx-deployment
kubectl rollout history deployment/nginx-deployment
kubectl rollout history deployment/nginx-deployment --revision=2
kubectl rollout history deployment/nginx-deployment --revision=1
kubectl rollout history deployment/nginx-deployment --revision=3
kubectl apply -f - <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
YAML
kubectl rollout status statefulset/web
kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27
kubectl rollout status statefulset/web
kubectl rollout history statefulset/web
kubectl rollout history statefulset/web --revision=2
