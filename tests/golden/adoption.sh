# Adoption and release (ControllerRefManager): controllers adopt matching orphans instead of
# creating new pods, and release pods whose labels stop matching.
cat <<'YAML' > rs.yaml
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: nginx
YAML
# A bare pod with the ReplicaSet's labels, created first, is adopted: two new pods, not three.
kubectl run pod1 --image=nginx --labels=tier=frontend
sleep 5
kubectl apply -f rs.yaml
sleep 5
kubectl get pods -L tier
kubectl get pod pod1 -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} controller={.metadata.ownerReferences[0].controller}{"\n"}'
kubectl describe rs frontend | grep -A10 Events
# Orphan the pods, then re-create the ReplicaSet: it adopts them and creates nothing.
kubectl delete rs frontend --cascade=orphan
kubectl get pods -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
kubectl apply -f rs.yaml
sleep 5
kubectl get rs frontend
kubectl get pods -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
# A pod relabelled out of the selector is released and replaced.
kubectl label pod pod1 tier=debug --overwrite
sleep 5
kubectl get pods -L tier -o custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier,OWNERS:.metadata.ownerReferences[*].name
kubectl get rs frontend
# Labelled back, it is adopted again and the ReplicaSet deletes one pod too many.
kubectl label pod pod1 tier=frontend --overwrite
sleep 5
kubectl get rs frontend
kubectl get pods --no-headers | wc -l
kubectl get events --field-selector involvedObject.name=frontend --sort-by=.lastTimestamp -o custom-columns=REASON:.reason,MESSAGE:.message
kubectl delete rs frontend
# A label removed (`app-`) releases the pod from a Deployment's ReplicaSet as well.
kubectl create deployment web --image=nginx --replicas=2
kubectl rollout status deployment/web
POD=$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
kubectl label pod $POD app-
sleep 5
kubectl get pods -L app -o custom-columns=NAME:.metadata.name,APP:.metadata.labels.app,OWNERS:.metadata.ownerReferences[*].kind
kubectl get deploy web
kubectl delete deployment web
kubectl delete pod $POD
# A StatefulSet deleted with --cascade=orphan and re-created with fewer replicas adopts the
# survivors and removes the ordinals beyond its replicas, highest first.
cat <<'YAML' > sts.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: nginx
YAML
kubectl apply -f sts.yaml
kubectl rollout status statefulset/db
kubectl delete statefulset db --cascade=orphan
kubectl get pods -l app=db -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
kubectl get controllerrevisions -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
sed -i 's/replicas: 3/replicas: 1/' sts.yaml
kubectl apply -f sts.yaml
sleep 1
kubectl get pods -l app=db
sleep 60
kubectl get pods -l app=db -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
kubectl get controllerrevisions -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
kubectl get events --field-selector involvedObject.name=db -o custom-columns=REASON:.reason,MESSAGE:.message
kubectl delete statefulset db
# A DaemonSet re-created after an orphaning delete adopts its pods, one per node.
cat <<'YAML' > ds.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox
        command: ["sleep", "infinity"]
YAML
kubectl apply -f ds.yaml
kubectl rollout status daemonset/agent
kubectl delete daemonset agent --cascade=orphan
kubectl apply -f ds.yaml
sleep 5
kubectl get ds agent
kubectl get pods -l app=agent -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
# A ReplicationController adopts too.
kubectl create -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: legacy
    spec:
      containers:
      - name: nginx
        image: nginx
YAML
sleep 5
kubectl delete rc legacy --cascade=orphan
kubectl get pods -l app=legacy -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
kubectl create -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: legacy
    spec:
      containers:
      - name: nginx
        image: nginx
YAML
sleep 5
kubectl get pods -l app=legacy -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences[*].name
kubectl describe rc legacy | grep -A5 Events
