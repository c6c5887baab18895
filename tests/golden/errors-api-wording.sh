# Class 7 of the bad-input catalogue: the API server's own words (pkg/apis/apps/validation,
# pkg/apis/batch/validation, apimachinery's name rules), kind by kind.
# An empty selector is refused by every workload that requires one, each naming itself
# (a ReplicaSet's message says "deployment", as the source does); a missing one is required
# and matches no template, except a DaemonSet's, which only fails to match.
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: empty-selector
spec:
  selector: {}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: empty-selector
spec:
  selector: {}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: empty-selector
spec:
  selector: {}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: empty-selector
spec:
  serviceName: web
  selector: {}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: no-selector
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: no-selector
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: no-selector
spec:
  serviceName: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
# A Job with manualSelector may select everything: the API server accepts it.
cat <<EOF | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: select-all
spec:
  manualSelector: true
  selector: {}
  template:
    metadata:
      labels:
        app: web
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: nginx
EOF
kubectl delete job select-all
# The pod management policy is checked first, in the validator's own words.
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: policy
spec:
  serviceName: web
  podManagementPolicy: Sometimes
  selector: 
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
# Names: each kind's rule (RFC 1123 subdomain, RFC 1123 label, RFC 1035 label, CronJob's 52).
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: Web_1
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web.
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: -web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db.v1
spec:
  serviceName: db
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: Job_1
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: Web_1
spec:
  containers:
  - name: c
    image: nginx
EOF
cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: "settings!"
EOF
cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Namespace
metadata:
  name: "dev.team"
EOF
cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: 1web
spec:
  selector:
    app: web
  ports:
  - port: 80
EOF
cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: Data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
EOF
cat <<EOF | kubectl apply -f -
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web budget
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
EOF
kubectl create cronjob a-name-of-fifty-three-characters-is-one-too-many-here --image=busybox --schedule='* * * * *'
kubectl create namespace Dev
kubectl create deployment web.v1. --image=nginx
# Nothing invalid was stored.
kubectl get deployments,replicasets,daemonsets,statefulsets,cronjobs,pvc,pdb
