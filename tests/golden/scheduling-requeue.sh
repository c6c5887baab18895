# kubeplay: --cluster kind-multi --seed 18
# Pending pods come back as soon as the cluster changes in a way that helps them, following
# https://kubernetes.io/docs/tasks/configure-pod-container/assign-pods-nodes/ and
# https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ .
# In v1.33 each filter plugin registers the cluster events that may undo its rejection
# (EventsToRegister) with a queueing hint (pkg/scheduler/framework/plugins/*/: e.g.
# tainttoleration's isSchedulableAfterNodeChange); an event the hint accepts moves the pod to
# the back-off queue, which an idle scheduler pops at once (SchedulerPopFromBackoffQ). Events
# no rejecting plugin registered leave it alone until the 5-minute leftover flush
# (flushUnschedulablePodsLeftover, every 30 s) in pkg/scheduler/backend/queue/scheduling_queue.go.
#
# 1. Taints: every worker tainted, the pod waits; removing one taint schedules it at once.
kubectl taint nodes kind-worker kind-worker2 kind-worker3 key1=value1:NoSchedule
kubectl run nginx --image=nginx
sleep 2
kubectl get pod nginx -o wide
kubectl describe pod nginx | sed -n '/^Events/,$p'
# A label no plugin that rejected the pod cares about: no new attempt.
kubectl label node kind-worker2 team=blue
sleep 1
kubectl describe pod nginx | sed -n '/^Events/,$p'
kubectl taint nodes kind-worker2 key1=value1:NoSchedule-
kubectl get pod nginx -o wide
kubectl describe pod nginx | sed -n '/^Events/,$p'
# 2. Node affinity: a nodeSelector no node matches until one is labelled.
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: ssd
spec:
  nodeSelector:
    disktype: ssd
  containers:
  - name: nginx
    image: nginx
YAML
sleep 1
kubectl get pod ssd
kubectl label nodes kind-worker2 disktype=ssd
kubectl get pod ssd -o wide
# 3. Unschedulable nodes: every worker cordoned, then one uncordoned.
kubectl taint nodes kind-worker key1=value1:NoSchedule-
kubectl taint nodes kind-worker3 key1=value1:NoSchedule-
kubectl cordon kind-worker
kubectl cordon kind-worker2
kubectl cordon kind-worker3
kubectl run waiting --image=nginx
sleep 3
kubectl get pod waiting
kubectl uncordon kind-worker3
kubectl get pod waiting -o wide
# 4. Resources: a pod too big for what is left fits when another one goes.
kubectl uncordon kind-worker
kubectl uncordon kind-worker2
kubectl delete pod ssd nginx waiting
kubectl get node kind-worker -o jsonpath='{.status.allocatable.cpu}{"\n"}'
kubectl apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: 3
  selector:
    matchLabels:
      app: big
  template:
    metadata:
      labels:
        app: big
    spec:
      containers:
      - name: nginx
        image: nginx
        resources:
          requests:
            cpu: "5"
YAML
sleep 1
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: extra
spec:
  containers:
  - name: nginx
    image: nginx
    resources:
      requests:
        cpu: "5"
YAML
sleep 5
kubectl get pods -o wide
kubectl describe pod extra | sed -n '/^Events/,$p'
# A label or a taint does not give it cpu: no new attempt.
kubectl label node kind-worker3 disktype=hdd
kubectl taint nodes kind-worker3 spare=yes:PreferNoSchedule
kubectl describe pod extra | sed -n '/^Events/,$p'
# A pod going away may free room (NodeResourcesFit registers assigned pods' deletion).
kubectl scale deployment big --replicas=2
sleep 2
kubectl get pods -o wide
kubectl describe pod extra | sed -n '/^Events/,$p'
# 5. Nothing helps: the pod is tried again only by the leftover flush, 5 min after its last
#    attempt, on the scheduler's 30 s grid.
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: lonely
spec:
  nodeSelector:
    disktype: nvme
  containers:
  - name: nginx
    image: nginx
YAML
sleep 5m
kubectl describe pod lonely | sed -n '/^Events/,$p'
sleep 30
kubectl describe pod lonely | sed -n '/^Events/,$p'
# 6. The pod itself gains a toleration (tolerations may be added to a pending pod): the
#    TaintToleration plugin's Pod/UpdatePodToleration hint tries it again at once.
kubectl taint nodes kind-worker dedicated=special:NoSchedule
kubectl taint nodes kind-worker2 dedicated=special:NoSchedule
kubectl taint nodes kind-worker3 dedicated=special:NoSchedule
kubectl run special --image=nginx
sleep 2
kubectl get pod special
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: special
spec:
  tolerations:
  - key: dedicated
    operator: Equal
    value: special
    effect: NoSchedule
  containers:
  - name: special
    image: nginx
YAML
kubectl get pod special -o wide
