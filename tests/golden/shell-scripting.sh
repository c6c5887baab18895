# The shell as tutorials use it around kubectl: loops that poll the cluster while virtual
# time passes, conditionals, aliases, grep with context, jq over `-o json`, and `watch`.
alias k=kubectl kgp='kubectl get pods'
alias
kubectl create deployment web --image=nginx:1.27 --replicas=3
# Poll until every replica is ready, as a tutorial's wait loop does.
for i in $(seq 1 20); do ready=$(kubectl get deployment web -o jsonpath='{.status.readyReplicas}'); echo "try $i: ${ready:-0}/3 ready"; if [ "${ready:-0}" -eq 3 ]; then break; fi; sleep 2; done
# `continue` skips the second pod; `break` ends a `while` loop.
count=0; for pod in $(kgp -o name); do count=$(expr $count + 1); [ $count -eq 2 ] && continue; echo "$pod"; done; echo "$count pods"
n=0; while true; do n=$(expr $n + 1); if [ $n -ge 3 ]; then break; fi; done; echo "stopped at $n"
# jq over the JSON kubectl prints.
kubectl get pods -o json | jq -r '.items[] | select(.status.phase == "Running") | .metadata.name'
kubectl get deployment web -o json | jq '{name: .metadata.name, replicas: .spec.replicas, image: .spec.template.spec.containers[0].image}'
kubectl get pods -o json | jq '.items | length'
kubectl get deployment web -o json | jq -c '.metadata.labels'
kubectl get deployment web -o json | jq '.spec.nosuch.field'
kubectl get pods -o json | jq '.items[0].metadata.name | ascii_upcase' -e
echo '{"a":' | jq .
jq -n '[1,2' ; echo "status $?"
# grep with context, counts and only-matching.
kubectl describe deployment web | grep -A3 '^Pod Template'
kubectl describe deployment web | grep -c Replicas
kubectl get pods -o wide | grep -oE '10\.244\.[0-9]+\.[0-9]+' | sort
kubectl get pods | grep -v NAME | less
# A loop that never ends without a wait is stopped with a reason.
while true; do :; done
# watch, bounded by timeout as a script must bound it.
timeout 7 watch -n 3 kubectl get deployment web
echo "watch ended with $?"
kubectl scale deployment web --replicas=1
watch -g -n 1 'kubectl get pods --no-headers | wc -l'
