# Init containers (issue 18.5), following the kubernetes.io concept page "Init Containers"
# and the task "Debug Init Containers": they run one after another, each to completion,
# before the app containers start; a failing one is restarted with the crash back-off.
# STATUS is kubectl's printPod (pkg/printers/internalversion/printers.go, v1.33): Init:N/M,
# Init:Error, Init:CrashLoopBackOff, then PodInitializing while the app containers are
# created (the kubelet's default waiting reason when a pod has init containers,
# convertToAPIContainerStatuses in pkg/kubelet/kubelet_pods.go).
# The concept page's example: the init containers poll the cluster DNS until the Services
# exist (busybox 1.28's nslookup), then the app starts. Each poll sees the cluster as it is
# at that moment.
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app.kubernetes.io/name: MyApp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
EOF2
sleep 10
kubectl get pod myapp-pod
kubectl logs myapp-pod -c init-myservice | tail -6
cat <<'EOF2' | kubectl apply -f -
---
apiVersion: v1
kind: Service
metadata:
  name: myservice
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: mydb
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9377
EOF2
sleep 1
kubectl get pod myapp-pod
sleep 5
kubectl get pod myapp-pod
kubectl logs myapp-pod
kubectl logs myapp-pod -c init-myservice | tail -7
kubectl logs myapp-pod -c init-mydb
# The kubectl.kubernetes.io/default-container annotation picks the default, silently
# (podcmd.FindOrDefaultContainerByName).
kubectl annotate pod myapp-pod kubectl.kubernetes.io/default-container=init-mydb
kubectl logs myapp-pod
kubectl describe pod myapp-pod | sed -n '/^Init Containers:/,/^Conditions:/p'
kubectl describe pod myapp-pod | sed -n '/^Conditions:/,/^Volumes:/p'
kubectl describe pod myapp-pod | grep -E 'Created|Started'
# An init container that fails: the pod never gets to its app container.
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: broken-init
spec:
  initContainers:
  - name: init-config
    image: busybox:1.36
    command: ['sh', '-c', 'echo fetching config; sleep 2; echo config not found; exit 1']
  containers:
  - name: app
    image: nginx:1.27
EOF2
sleep 5
kubectl get pod broken-init
sleep 3
kubectl get pod broken-init
sleep 22
kubectl get pod broken-init
kubectl logs broken-init
kubectl logs broken-init -c init-config
kubectl describe pod broken-init | sed -n '/^Init Containers:/,/^Containers:/p' | grep -E 'State|Reason|Exit Code|Restart Count'
kubectl describe pod broken-init | sed -n '/^Containers:/,/^Conditions:/p' | grep -E 'State|Reason'
kubectl get pod broken-init -o yaml | sed -n '/^status:/,/type: Initialized/p'
kubectl get pod broken-init -o yaml | sed -n '/^  phase:/p'
# Once the init containers are done the app containers are created: PodInitializing while
# nginx's image is pulled.
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: web-init
spec:
  initContainers:
  - name: prepare
    image: busybox:1.36
    command: ['sh', '-c', 'echo preparing; sleep 1']
  containers:
  - name: web
    image: nginx:1.29
EOF2
sleep 4
kubectl get pod web-init
sleep 6
kubectl get pod web-init
# With restartPolicy: Never a failed init container fails the pod.
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: init-never
spec:
  restartPolicy: Never
  initContainers:
  - name: check
    image: busybox:1.36
    command: ['sh', '-c', 'exit 3']
  containers:
  - name: app
    image: busybox:1.36
    command: ['sh', '-c', 'echo never printed']
EOF2
sleep 10
kubectl get pod init-never
kubectl describe pod init-never | sed -n '/^Init Containers:/,/^Containers:/p' | grep -E 'Reason|Exit Code'
# A sidecar: an init container with restartPolicy Always starts before the app container and
# keeps running beside it; it counts in READY (printPod's isRestartableInitContainer).
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: with-sidecar
spec:
  initContainers:
  - name: logshipper
    image: alpine:3.21
    restartPolicy: Always
    command: ['sh', '-c', 'echo shipping logs; sleep infinity']
  containers:
  - name: myapp
    image: alpine:3.21
    command: ['sh', '-c', 'echo app started; sleep infinity']
EOF2
sleep 5
kubectl get pod with-sidecar
kubectl logs with-sidecar -c logshipper
