/* The body of the layer checks (tests/CMakeLists.txt): each library is linked whole with
 * only the libraries below it, so a call across or up a layer fails the build. */
int main(void)
{
    return 0;
}
