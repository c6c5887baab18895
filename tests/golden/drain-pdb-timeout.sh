# kubeplay: --cluster kind-multi --seed 8
# Draining a node whose pods a PodDisruptionBudget protects, following
# https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/ and
# https://kubernetes.io/docs/tasks/run-application/configure-pdb/ .
# kubectl's evictPods (staging/src/k8s.io/kubectl/pkg/drain/drain.go, v1.33) prints
# "evicting pod NS/NAME" at the top of every attempt and only then checks the global
# timeout, so each pod still blocked when --timeout runs out gets one last such line before
# "global timeout reached".
kubectl create deployment zk --image=nginx:1.27 --replicas=3
kubectl rollout status deployment/zk
kubectl apply -f - <<YAML
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: 3
  selector:
    matchLabels:
      app: zk
YAML
sleep 1
kubectl get pdb zk-pdb
kubectl get pods -o wide
kubectl drain kind-worker --ignore-daemonsets --timeout=11s
kubectl get nodes
kubectl get pods -o wide
# With room for one disruption the same drain goes through.
kubectl patch pdb zk-pdb --type=merge -p '{"spec":{"minAvailable":2}}'
kubectl apply -f - <<YAML
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: zk
YAML
sleep 1
kubectl drain kind-worker --ignore-daemonsets --timeout=60s
kubectl get pods -o wide
kubectl uncordon kind-worker
