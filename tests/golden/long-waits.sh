# sleep parses its operands as GNU coreutils does (sum, s|m|h|d suffixes, fractions,
# infinity) with its exact errors; absurd sleeps get an answer instead of a hang; timeout
# bounds a wait in virtual time; kubectl get -w prints the list, then one row per change.
sleep 66 1.5m 0.5 2h 1d; echo "status $?"
kubectl get nodes
sleep
sleep abc
sleep 1x 2 3y
sleep -5
sleep -- -5
sleep --bogus
sleep 1e30; echo "status $?"
sleep 9223372036854775808 5
sleep infinity; echo "status $?"
timeout 90 sleep infinity; echo "status $?"
timeout 5m sleep 1; echo "status $?"
timeout; echo "status $?"
timeout 5x true; echo "status $?"
timeout 5 nosuch; echo "status $?"
timeout --preserve-status -s KILL 1 sleep 2; echo "status $?"
sleep 100y
kubectl create deployment web --image=nginx:1.27 --replicas=2
timeout 20 kubectl get pods -w; echo "status $?"
kubectl scale deployment web --replicas=1
kubectl get pods --watch-only --request-timeout=45s
kubectl get pods,services -w
kubectl get pods -w -o yaml
kubectl get pods -w
kubectl run crash --image=busybox:1.36 -- sh -c "sleep 1; exit 3"
sleep 1d
kubectl get pods crash
timeout 10m kubectl get events -w --field-selector involvedObject.name=crash
sleep 36500d
kubectl get pods crash
kubectl get events --field-selector involvedObject.name=crash
kubectl describe pod crash | sed -n '/^    State/,/^    Restart Count/p'
